import type { LoadedModelState } from "../model/loaded-model-state.js";
import type { ModelInfo } from "../model/types.js";
import type { Finding } from "../preflight/judge-loaded-model.js";

/** One configured model and its server, as the models page shows it. */
export interface ModelHostView {
  /** The model spec (credentials removed). */
  spec: string;
  /** What the server says about the model (`/api/show`, `/props`), or null when it did not answer. */
  info: ModelInfo | null;
  /** What it has really loaded, or null. */
  state: LoadedModelState | null;
  /** Why the server could not be read, or null. */
  error: string | null;
  /** The verdict, as `doctor` gives it (without loading anything: a page view has no side effects). */
  findings: Finding[];
}
