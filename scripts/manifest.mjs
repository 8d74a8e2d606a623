// `node scripts/manifest.mjs` (part of `npm run build`): writes the custom-elements.json of
// @confab/inbox-elements and @confab/chat-widget from their sources, with paths into the shipped
// dist/ and each event's detail type read from the package's event map, then the tag map of
// @confab/react (packages/react/src/elements.ts) from those manifests, which its JSX, Vue and Svelte
// types are built on. scripts/manifest.test.mjs fails when a committed file differs from a fresh run.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { create, ts } from '@custom-elements-manifest/analyzer';
import { litPlugin } from '@custom-elements-manifest/analyzer/src/features/framework-plugins/lit/lit.js';
import prettier from 'prettier';
import { globSync } from './glob.mjs';

/**
 * `eventMap`: the interface whose keys are the element events. `detailsOnly`: its values are the
 * details (the chat's ConfabChatEventDetails), not the events (the inbox's ConfabEventMap).
 */
export const PACKAGES = [
  { dir: 'packages/inbox-elements', name: '@confab/inbox-elements', eventMap: 'ConfabEventMap', detailsOnly: false },
  { dir: 'packages/chat-widget', name: '@confab/chat-widget', eventMap: 'ConfabChatEventDetails', detailsOnly: true },
];
export const ELEMENT_TYPES = 'packages/react/src/elements.ts';
const REGENERATE = 'npm run build (or node scripts/manifest.mjs)';

/** src/a/b.ts → dist/a/b.js (or .d.ts): what the package ships. */
const shipped = (sourcePath, extension) => sourcePath.replace(/^src\//, 'dist/').replace(/\.ts$/, extension);

/** The events of the event map interface in `sourceFile`: name → { text, declared in }. */
function eventTypes(sourceFile, pkg) {
  const types = new Map();
  const visit = (node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === pkg.eventMap) {
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.type) continue;
        const detail = member.type.getText(sourceFile);
        types.set(member.name.getText(sourceFile).replace(/^'|'$/g, ''), {
          text: pkg.detailsOnly ? `CustomEvent<${detail}>` : detail,
          // Type names the text uses that the package exports (its own detail interfaces).
          names: [...detail.matchAll(/\b[A-Z]\w*Detail\b/g)].map(([name]) => name),
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return types;
}

/** The manifest of one package, as its files are today. */
export function manifestOf(pkg) {
  const files = globSync(`${pkg.dir}/src/**/*.ts`).filter(
    (file) => !/\.test(-util)?\.ts$|\.test-d\.ts$|\/(test|testing)\//.test(file),
  );
  const modules = files.sort().map((file) =>
    // Paths relative to the package: the manifest ships inside it.
    ts.createSourceFile(file.slice(pkg.dir.length + 1), readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true),
  );
  const events = new Map();
  for (const module of modules)
    for (const [name, type] of eventTypes(module, pkg)) events.set(name, { ...type, module });
  const eventDetails = {
    name: 'confab-event-details',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          // A dispatch the analyzer found in a generic helper (`new CustomEvent(type, …)`) names
          // no event; the documented ones (@fires) are the element's events.
          declaration.events = declaration.events?.filter((event) => event.description || events.has(event.name));
          for (const event of declaration.events ?? []) {
            const type = events.get(event.name);
            if (!type)
              throw new Error(`${module.path}: @fires ${event.name} is not in ${pkg.eventMap}; add it there first`);
            const declaredIn = shipped(type.module.fileName, '.d.ts');
            event.type = {
              text: type.text,
              ...(type.names.length ? { references: type.names.map((name) => ({ name, module: declaredIn })) } : {}),
            };
          }
        }
      }
      rewritePaths(customElementsManifest);
    },
  };
  return create({ modules, plugins: [...litPlugin(), eventDetails] });
}

/** Every `path` and `module` that names a source file names the shipped JavaScript instead. */
function rewritePaths(value) {
  if (Array.isArray(value)) return value.forEach(rewritePaths);
  if (!value || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if ((key === 'path' || key === 'module') && typeof inner === 'string' && /^src\/.*\.ts$/.test(inner))
      value[key] = shipped(inner, '.js');
    else rewritePaths(inner);
  }
}

/** The registered elements of a manifest: { tag, className, events: [{ name, type }] }, by tag. */
export function elementsOf(manifest) {
  const elements = [];
  for (const module of manifest.modules)
    for (const declaration of module.declarations ?? [])
      if (declaration.customElement && declaration.tagName)
        elements.push({ tag: declaration.tagName, className: declaration.name, events: declaration.events ?? [] });
  return elements.sort((a, b) => a.tag.localeCompare(b.tag));
}

/** packages/react/src/elements.ts: every tag, its class and its events, from the manifests. */
export function elementTypesOf(manifests) {
  const imports = [];
  const entries = [];
  for (const [index, pkg] of PACKAGES.entries()) {
    const elements = elementsOf(manifests[index]);
    const names = new Set(elements.map((element) => element.className));
    for (const element of elements) {
      for (const event of element.events)
        for (const reference of event.type.references ?? []) names.add(reference.name);
      const events = element.events.map((event) => `      '${event.name}': ${event.type.text};`);
      entries.push(
        `  '${element.tag}': {\n    element: ${element.className};\n    events: ${events.length ? `{\n${events.join('\n')}\n    }` : 'Record<never, never>'};\n  };`,
      );
    }
    if (pkg.detailsOnly) names.delete(pkg.eventMap);
    imports.push(`import type { ${[...names].sort().join(', ')} } from '${pkg.name}';`);
  }
  return `// Generated from custom-elements.json by scripts/manifest.mjs: do not edit; run ${REGENERATE}.
${imports.join('\n')}

/** Every Confab tag: its element class and its events (event name → event type). */
export interface ConfabElements {
${entries.join('\n')}
}
`;
}

/** Every generated file and its content: { path → text }. */
export async function generate() {
  const manifests = PACKAGES.map(manifestOf);
  const outputs = {};
  for (const [index, pkg] of PACKAGES.entries()) {
    const path = `${pkg.dir}/custom-elements.json`;
    outputs[path] = await prettier.format(JSON.stringify(manifests[index]), { filepath: path });
  }
  outputs[ELEMENT_TYPES] = await prettier.format(elementTypesOf(manifests), {
    ...(await prettier.resolveConfig(ELEMENT_TYPES)),
    filepath: ELEMENT_TYPES,
  });
  return outputs;
}

export { REGENERATE };

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [path, text] of Object.entries(await generate())) writeFileSync(path, text);
}
