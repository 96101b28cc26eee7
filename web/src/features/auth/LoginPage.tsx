import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";

import { api, unwrap } from "../../api/client";
import { ApiError, describeError, formErrors } from "../../api/problems";
import { useSession } from "../../auth/session";
import { AuthCard } from "./AuthCard";
import { safeNext } from "./nextPath";

export function LoginPage() {
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signedIn = useSession((s) => s.tokens !== null);
  const signIn = useSession((s) => s.signIn);
  const form = useForm({
    initialValues: { email: "", password: "" },
    validate: {
      email: (v) => (v.trim() ? null : "E-mail is required"),
      password: (v) => (v ? null : "Password is required"),
    },
  });
  const login = useMutation({
    mutationFn: async (values: typeof form.values) =>
      unwrap(await api.POST("/api/v1/auth/login", { body: { email: values.email.trim(), password: values.password } })),
    onSuccess: (tokens) => {
      queryClient.clear();
      signIn(tokens);
      navigate(next, { replace: true });
    },
    onError: (error) => form.setErrors(formErrors(error)),
  });

  if (signedIn && !login.isPending && !login.isSuccess) return <Navigate to={next} replace />;
  const signupHref = params.get("next") ? `/signup?next=${encodeURIComponent(next)}` : "/signup";
  // Field errors sit on their fields; a refusal without any (wrong password) gets the banner.
  const banner = login.error && !(login.error instanceof ApiError && login.error.errors.length > 0);

  return (
    <AuthCard title="Sign in" subtitle="Welcome back to your WhatsApp automations.">
      <form onSubmit={form.onSubmit((values) => login.mutate(values))} noValidate>
        <Stack>
          {banner && (
            <Alert color="red" role="alert" title="Could not sign in">
              {describeError(login.error)}
            </Alert>
          )}
          <TextInput label="E-mail" type="email" autoComplete="email" required {...form.getInputProps("email")} />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            {...form.getInputProps("password")}
          />
          <Button type="submit" loading={login.isPending} fullWidth>
            Sign in
          </Button>
          <Text size="sm" ta="center">
            New to Parley?{" "}
            <Anchor component={Link} to={signupHref}>
              Create an account
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthCard>
  );
}
