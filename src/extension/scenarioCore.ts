/**
 * The scenario parser and runner as the glue uses them. They (with the yaml library) are most of the extension's
 * code, so the Node host does not load them with dist/extension.js: scripts/build.mjs bundles this module on its own
 * into dist/core.js, which main.ts requires on first use (a hover, a CodeLens, a run…), never during activation.
 * The web host bundles it into dist/web/extension.js. Import it only through ./coreLoader (types excepted).
 */
export { parseScenario, walksOf } from '../core/scenario/parse';
export { errnoName } from '../core/scenario/parse-walk';
export { runScenario } from '../core/scenario/run';
export { scenarioMappings, mappingAt } from '../core/scenario/mappings';
// authoring help in scenario files (completion, key/token docs, outline, mapping names): they read the YAML too
export { completeAt } from '../core/authoring/completions';
export { docHoverAt } from '../core/authoring/hoverDocs';
export { mappingOccurrences, occurrencesAt, outline, renameMapping } from '../core/authoring/symbols';
