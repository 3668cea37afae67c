// Placeholder: replaced by the page's own implementation.
import type { PageProps } from "./registry";
import { useApp } from "../lib/app";

export function AdminPage(_props: PageProps) {
  const { t } = useApp();
  return <h1>{t("nav.admin")}</h1>;
}
