// Side-effect CSS imports are bundled by Vite into one hashed stylesheet.
declare module "*.css";
