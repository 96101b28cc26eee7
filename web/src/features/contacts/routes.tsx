import type { RouteObject } from "react-router";

import { page } from "../../lazyPage";

export const contactRoutes: RouteObject[] = [
  { path: "contacts", lazy: page(() => import("./ContactsPage"), (m) => m.ContactsPage) },
  { path: "contacts/fields", lazy: page(() => import("./FieldsPage"), (m) => m.FieldsPage) },
  { path: "contacts/import", lazy: page(() => import("./import/ImportPage"), (m) => m.ImportPage) },
  {
    path: "contacts/import/:importId",
    lazy: page(() => import("./import/ImportJobPage"), (m) => m.ImportJobPage),
  },
  {
    path: "contacts/:contactId",
    lazy: page(() => import("./ContactDetailPage"), (m) => m.ContactDetailPage),
  },
];
