import { describe, expect, it } from "vitest";

import { ApiError, describeError, formErrors } from "./problems";

describe("ApiError", () => {
  it("names the field and the rule", () => {
    const error = new ApiError(422, {
      detail: "The request is invalid",
      errors: [{ field: "body.email", rule: "must be an email address" }],
    });
    expect(describeError(error)).toBe("The request is invalid (body.email: must be an email address)");
    expect(formErrors(error)).toEqual({ email: "must be an email address" });
    expect(error.fieldError("email")).toBe("must be an email address");
  });
});
