import type { RouteObject } from "react-router";

import { ContactDetailPage } from "./ContactDetailPage";
import { ContactsPage } from "./ContactsPage";
import { FieldsPage } from "./FieldsPage";
import { ImportJobPage } from "./import/ImportJobPage";
import { ImportPage } from "./import/ImportPage";

export const contactRoutes: RouteObject[] = [
  { path: "contacts", element: <ContactsPage /> },
  { path: "contacts/fields", element: <FieldsPage /> },
  { path: "contacts/import", element: <ImportPage /> },
  { path: "contacts/import/:importId", element: <ImportJobPage /> },
  { path: "contacts/:contactId", element: <ContactDetailPage /> },
];
