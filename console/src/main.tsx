import { render } from "preact";
import "./i18n/common";
import "./style.css";
import { App } from "./app";

const root = document.getElementById("app");
if (root) render(<App />, root);
