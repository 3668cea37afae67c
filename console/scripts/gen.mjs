// Generate TypeScript message types and service descriptors from ../proto with Debian's
// protoc and protoc-gen-es (Google's grpc-web generator is not packaged; Connect's gRPC-Web
// transport only needs these descriptors). Output: src/gen/ (not committed).
import { execFileSync } from "node:child_process";
import { readdirSync, rmSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const protoDir = join(root, "..", "proto");
const out = join(root, "src", "gen");
const protos = readdirSync(protoDir).filter((f) => f.endsWith(".proto")).sort();

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
execFileSync(
  "protoc",
  [
    `--plugin=protoc-gen-es=${join(root, "node_modules", ".bin", "protoc-gen-es")}`,
    `--es_out=${out}`,
    "--es_opt=target=ts,import_extension=none",
    `-I${protoDir}`,
    ...protos,
  ],
  { stdio: "inherit" },
);
