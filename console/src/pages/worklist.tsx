// Placeholder: replaced by the page's own implementation.
import type { PageProps } from "./registry";
import { useApp } from "../lib/app";

export function WorkListPage(_props: PageProps) {
  const { t } = useApp();
  return <h1>{t("nav.worklist")}</h1>;
}
