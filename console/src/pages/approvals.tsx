// Placeholder: replaced by the page's own implementation.
import type { PageProps } from "./registry";
import { useApp } from "../lib/app";

export function ApprovalsPage(_props: PageProps) {
  const { t } = useApp();
  return <h1>{t("nav.approvals")}</h1>;
}
