// Reads `<workspace>/pipelines/<slug>.yaml`. Each file is parsed on its own (a broken file never hides
// the others) and cached by mtime and size, so an edited or added file shows without a restart.
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { workspaceDir } from "@/lib/env";
import { NotFoundError, SafeError } from "@/lib/errors";
import { checkPipelineReferences, type PathIssue } from "@/lib/pipelines/check-pipeline";
import { PIPELINE_FILE_MAX_BYTES, stepKind, ZPipelineDefinition, type PipelineSnapshot } from "@/lib/pipelines/pipeline.schema";
import { formatPath, locateInDocument } from "@/lib/pipelines/yaml-locate";
import { isSlug, readWorkspaceFile, resolveInWorkspace } from "@/lib/workspace/paths";

type PipelineIssue = { line: number | null; path: string; message: string };

export type PipelineEntry = {
  slug: string;
  /** the pipeline's name, or the slug when the file is too broken to tell */
  name: string;
  /** relative to the workspace, e.g. "pipelines/blog.yaml" */
  file: string;
  valid: boolean;
  /** each "pipelines/blog.yaml:12 steps[1].tool: expected <server>/<tool>" */
  errors: string[];
  issues: PipelineIssue[];
  definition: PipelineSnapshot | null;
};

const EXTENSION = ".yaml";
const cache = new Map<string, { mtimeMs: number; size: number; entry: PipelineEntry }>();
/** each valid entry's way to find a path's line in its file, for issues found later (withIssues) */
const locators = new WeakMap<PipelineEntry, (path: PathIssue["path"]) => number | null>();

function entryWith(slug: string, file: string, issues: PipelineIssue[], definition: PipelineSnapshot | null, rawName?: unknown): PipelineEntry {
  const errors = issues.map((i) => `${file}${i.line ? `:${i.line}` : ""} ${i.path ? `${i.path}: ` : ""}${i.message}`);
  const name = definition?.name ?? (typeof rawName === "string" && rawName.trim() ? rawName.trim().slice(0, 200) : slug);
  return { slug, name, file, valid: issues.length === 0 && definition !== null, errors, issues, definition: issues.length ? null : definition };
}

/** zod's "Invalid input: expected string, received number" reads better without its prefix. */
function zodMessage(message: string): string {
  return message.replace(/^Invalid input: /, "");
}

/** Parses and validates the text of one pipeline file. */
export function parsePipelineText(slug: string, text: string, file = `pipelines/${slug}${EXTENSION}`): PipelineEntry {
  if (!isSlug(slug)) {
    return entryWith(slug, file, [{ line: null, path: "", message: "the file name must be a slug (lowercase letters, digits and dashes, at most 63) ending in .yaml" }], null);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => ({ line: lines.linePos(e.pos[0]).line, path: "", message: `YAML: ${e.message.split("\n")[0]}` }));
    return entryWith(slug, file, issues, null);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return entryWith(slug, file, [{ line: null, path: "", message: `YAML: ${error instanceof Error ? error.message : "unreadable"}` }], null);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return entryWith(slug, file, [{ line: 1, path: "", message: "expected a map with at least name and steps" }], null);
  }
  const parsed = ZPipelineDefinition.safeParse(value);
  if (!parsed.success) {
    const issues: PipelineIssue[] = [];
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          issues.push({ ...locateInDocument(doc, lines, issue.path, key), path: formatPath([...issue.path, key]), message: `unknown key "${key}"` });
        }
      } else {
        issues.push({ ...locateInDocument(doc, lines, issue.path), path: formatPath(issue.path), message: zodMessage(issue.message) });
      }
    }
    return entryWith(slug, file, issues, null, (value as { name?: unknown }).name);
  }
  const issues = checkPipelineReferences(parsed.data).map((i) => ({ ...locateInDocument(doc, lines, i.path), path: formatPath(i.path), message: i.message }));
  const entry = entryWith(slug, file, issues, { ...parsed.data, slug }, parsed.data.name);
  locators.set(entry, (at) => locateInDocument(doc, lines, at).line);
  return entry;
}

/**
 * The entry with issues found outside its file (the approval boundary, which needs what an admin accepted
 * of each tool), each with its line: a pipeline with any is invalid like one with a typo.
 */
export function withIssues(entry: PipelineEntry, found: PathIssue[]): PipelineEntry {
  if (found.length === 0) return entry;
  const locate = locators.get(entry);
  const issues = found.map((i) => ({ line: locate?.(i.path) ?? null, path: formatPath(i.path), message: i.message }));
  return entryWith(entry.slug, entry.file, [...entry.issues, ...issues], entry.definition, entry.name);
}

function loadFile(slug: string, relative: string, root: string): PipelineEntry {
  let absolute: string;
  try {
    absolute = resolveInWorkspace(relative, root);
  } catch (error) {
    return entryWith(slug, relative, [{ line: null, path: "", message: error instanceof SafeError ? error.message : "unreadable path" }], null);
  }
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    return entryWith(slug, relative, [{ line: null, path: "", message: "the file cannot be read" }], null);
  }
  if (!stat.isFile()) return entryWith(slug, relative, [{ line: null, path: "", message: "not a file" }], null);
  if (stat.size > PIPELINE_FILE_MAX_BYTES) {
    return entryWith(slug, relative, [{ line: null, path: "", message: `the file is ${Math.ceil(stat.size / 1024)} KB; a pipeline file may be at most ${PIPELINE_FILE_MAX_BYTES / 1024} KB` }], null);
  }
  const hit = cache.get(absolute);
  if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.entry;
  let text: string;
  try {
    text = readWorkspaceFile(relative, PIPELINE_FILE_MAX_BYTES, { root });
  } catch (error) {
    return entryWith(slug, relative, [{ line: null, path: "", message: error instanceof SafeError ? error.message : "the file cannot be read" }], null);
  }
  const entry = parsePipelineText(slug, text, relative);
  cache.set(absolute, { mtimeMs: stat.mtimeMs, size: stat.size, entry });
  return entry;
}

/** Every `*.yaml` in the workspace's pipelines folder, valid or not, sorted by slug. */
export function listPipelines(root = workspaceDir()): PipelineEntry[] {
  const dir = path.join(root, "pipelines");
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith(EXTENSION) && !n.startsWith("."));
  } catch {
    return [];
  }
  return names.sort().map((name) => loadFile(name.slice(0, -EXTENSION.length), path.join("pipelines", name), root));
}

/** One pipeline by slug (valid or not), or null when there is no such file. */
export function getPipeline(slug: string, root = workspaceDir()): PipelineEntry | null {
  if (!isSlug(slug)) return null;
  const relative = path.join("pipelines", `${slug}${EXTENSION}`);
  if (!fs.existsSync(path.join(root, relative))) return null;
  return loadFile(slug, relative, root);
}

/** The parsed definition of a valid pipeline; a SafeError naming the problems otherwise. */
export function requireValidPipeline(slug: string, root = workspaceDir()): PipelineSnapshot {
  const entry = getPipeline(slug, root);
  if (!entry) throw new NotFoundError(`No pipeline "${slug.slice(0, 80)}"`);
  if (!entry.definition) throw new SafeError(`The pipeline "${slug}" has errors: ${entry.errors.slice(0, 5).join("; ")}`);
  return entry.definition;
}

/** A pipeline as GET /api/pipelines lists it. */
export function pipelineSummary(p: PipelineEntry) {
  return {
    slug: p.slug,
    name: p.name,
    description: p.definition?.description ?? "",
    file: p.file,
    inputs: p.definition?.inputs ?? {},
    schedule: p.definition?.schedule ?? null,
    steps: p.definition?.steps.map((s) => ({ id: s.id, kind: stepKind(s), tool: s.tool ?? null })) ?? [],
    valid: p.valid,
    errors: p.errors,
  };
}
