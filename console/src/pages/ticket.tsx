// Placeholder: replaced by the page's own implementation.
import type { PageProps } from "./registry";
import { useApp } from "../lib/app";

export function TicketPage(_props: PageProps) {
  const { t } = useApp();
  return <h1>{t("nav.ticket")}</h1>;
}
