// Validates every object of the given YAML files (default: ../kubernetes/*.yaml) against the
// Kubernetes API's schemas shipped by kubernetes-models. Exit code 1 and the errors on failure.
// Usage: node validate.mjs [FILE...]
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import { ConfigMap, Secret, Service } from "kubernetes-models/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";

const kinds = {
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
};
const here = dirname(fileURLToPath(import.meta.url));
const folder = join(here, "..", "kubernetes");
const files = process.argv.length > 2 ? process.argv.slice(2) : readdirSync(folder).filter((f) => f.endsWith(".yaml")).map((f) => join(folder, f));

let failures = 0;
let checked = 0;
for (const file of files) {
  let objects;
  try {
    objects = yaml.loadAll(readFileSync(file, "utf8"));
  } catch (error) {
    console.error(`${file}: not YAML: ${error.message}`);
    failures++;
    continue;
  }
  for (const object of objects) {
    const kind = kinds[`${object.apiVersion}/${object.kind}`];
    if (!kind) {
      console.error(`${file}: ${object.apiVersion}/${object.kind} is not a kind this check knows`);
      failures++;
      continue;
    }
    try {
      new kind(object).validate();
      checked++;
    } catch (error) {
      console.error(`${file}: ${object.kind} ${object.metadata?.name}: ${error.message}`);
      failures++;
    }
  }
}
console.log(`${checked} objects valid, ${failures} invalid`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
