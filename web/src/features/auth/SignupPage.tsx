import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";

import { api, unwrap } from "../../api/client";
import { ApiError, describeError, formErrors } from "../../api/problems";
import { useSession } from "../../auth/session";
import { useTourStore } from "../onboarding/tourRecord";
import { AuthCard } from "./AuthCard";

// Sign-up creates the user, their organization and first workspace at once; the password
// rules are the API's (its refusal names the rule on the field), so none are repeated here.
export function SignupPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signIn = useSession((s) => s.signIn);
  const form = useForm({
    initialValues: { name: "", email: "", password: "", workspace_name: "" },
    validate: {
      name: (v) => (v.trim() ? null : "Your name is required"),
      email: (v) => (v.trim() ? null : "E-mail is required"),
      password: (v) => (v ? null : "Password is required"),
    },
  });
  const signup = useMutation({
    mutationFn: async (v: typeof form.values) =>
      unwrap(
        await api.POST("/api/v1/auth/signup", {
          body: {
            name: v.name.trim(),
            email: v.email.trim(),
            password: v.password,
            workspace_name: v.workspace_name.trim() || null,
          },
        }),
      ),
    onSuccess: (result) => {
      queryClient.clear();
      signIn(result.tokens);
      // A workspace named here needs no confirming again in the tour.
      useTourStore.getState().update(result.user.id, {
        workspaceId: result.workspace.id,
        workspaceConfirmed: Boolean(form.values.workspace_name.trim()),
      });
      navigate("/onboarding", { replace: true });
    },
    onError: (error) => form.setErrors(formErrors(error)),
  });
  const banner = signup.error && !(signup.error instanceof ApiError && signup.error.errors.length > 0);

  return (
    <AuthCard title="Create your account" subtitle="Automate WhatsApp conversations in minutes. No card needed.">
      <form onSubmit={form.onSubmit((values) => signup.mutate(values))} noValidate>
        <Stack>
          {banner && (
            <Alert color="red" role="alert" title="Could not create the account">
              {describeError(signup.error)}
            </Alert>
          )}
          <TextInput label="Your name" autoComplete="name" required {...form.getInputProps("name")} />
          <TextInput label="E-mail" type="email" autoComplete="email" required {...form.getInputProps("email")} />
          <PasswordInput
            label="Password"
            autoComplete="new-password"
            required
            {...form.getInputProps("password")}
          />
          <TextInput
            label="Workspace name"
            description="Usually your company or brand. You can leave it for later."
            autoComplete="organization"
            {...form.getInputProps("workspace_name")}
          />
          <Button type="submit" loading={signup.isPending} fullWidth>
            Create account
          </Button>
          <Text size="sm" ta="center">
            Already have an account?{" "}
            <Anchor component={Link} to="/login">
              Sign in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthCard>
  );
}
