/** What the sandbox shows of the host; everything else does not exist inside. */
export interface SandboxLayout {
  /** Top-level system folders (`/bin`, `/lib64`...): bound read-only, or recreated as the symlink they are on a merged-/usr host. */
  system: Array<{ path: string; symlinkTo?: string }>;
  /** Files under /etc replaced by an unopenable node (secrets). */
  hiddenFiles: string[];
  /** Folders under /etc replaced by an empty folder nobody may enter. */
  hiddenDirs: string[];
  /** Host folders bound read-only at the same path (toolchains, operator extras). */
  readOnlyBinds: string[];
  /** The checkout, writable, and the git folders inside or beside it that stay read-only. */
  checkout?: { dir: string; readOnly: string[] };
}

export interface SandboxLimits {
  /** RLIMIT_DATA per process (bytes). */
  dataBytes: number;
  /** RLIMIT_NPROC: tasks (processes and threads) of the sandbox user in its own user namespace. */
  tasks: number;
  /** Size of each of the /tmp and $HOME tmpfs (bytes). */
  tmpfsBytes: number;
  /** Size of /dev/shm (bytes). */
  shmBytes: number;
  /** RLIMIT_FSIZE: the largest file any process may write (bytes). */
  fileBytes: number;
}

/** The folder the sandboxed command sees as $HOME: an empty tmpfs. */
export const SANDBOX_HOME = "/home/sandbox";
export const SANDBOX_HOSTNAME = "local-agent-sandbox";
/** Inside the sandbox; util-linux is part of every Debian/Ubuntu base system. */
export const PRLIMIT_PATH = "/usr/bin/prlimit";

/**
 * The bwrap command line for one command. Order matters: bwrap applies the mount operations in
 * sequence, so the tmpfs come before the binds placed in them, the checkout before its
 * read-only `.git`, and the root is made read-only last.
 */
export function buildBwrapArgs(params: {
  layout: SandboxLayout;
  /** Share the host network (setup phase only); otherwise only an isolated loopback exists. */
  network: boolean;
  /** The complete environment of the command; nothing else is inherited. */
  env: Record<string, string>;
  limits: SandboxLimits;
  /** The command inside the sandbox, e.g. `["/bin/sh", "-c", "npm test"]`. */
  argv: string[];
}): string[] {
  const { layout, limits } = params;
  const args = [
    "--unshare-all",
    // Explicit, not the `-try` that --unshare-all implies: --disable-userns requires it, and a
    // sandbox that silently kept the host user namespace would keep root's capabilities.
    "--unshare-user",
    ...(params.network ? ["--share-net"] : []),
    "--disable-userns",
    "--die-with-parent",
    "--new-session",
    // As root, bwrap keeps the capabilities inside its user namespace unless told otherwise;
    // with CAP_SYS_ADMIN there a test could remount the read-only binds writable.
    "--cap-drop",
    "ALL",
    "--hostname",
    SANDBOX_HOSTNAME,
    "--clearenv",
  ];
  for (const [name, value] of Object.entries(params.env)) args.push("--setenv", name, value);

  args.push("--ro-bind", "/usr", "/usr");
  for (const entry of layout.system) {
    if (entry.symlinkTo !== undefined) args.push("--symlink", entry.symlinkTo, entry.path);
    else args.push("--ro-bind", entry.path, entry.path);
  }
  args.push("--ro-bind", "/etc", "/etc");
  // /dev/null bound from the host lands on a nodev mount: opening it fails with EACCES.
  for (const file of layout.hiddenFiles) args.push("--ro-bind", "/dev/null", file);
  for (const dir of layout.hiddenDirs) args.push("--perms", "0000", "--tmpfs", dir);
  if (params.network) {
    // Where a systemd-resolved host points /etc/resolv.conf.
    args.push("--ro-bind-try", "/run/systemd/resolve", "/run/systemd/resolve");
  }

  args.push("--proc", "/proc", "--dev", "/dev");
  args.push("--size", String(limits.shmBytes), "--tmpfs", "/dev/shm", "--remount-ro", "/dev");
  args.push("--size", String(limits.tmpfsBytes), "--tmpfs", "/tmp");
  args.push("--size", String(limits.tmpfsBytes), "--tmpfs", SANDBOX_HOME);

  for (const dir of layout.readOnlyBinds) args.push("--ro-bind", dir, dir);
  if (layout.checkout) {
    args.push("--bind", layout.checkout.dir, layout.checkout.dir);
    for (const dir of layout.checkout.readOnly) args.push("--ro-bind", dir, dir);
  }
  // bwrap's own root is a writable tmpfs the size of half the RAM; nothing needs to write there.
  args.push("--remount-ro", "/");
  args.push("--chdir", layout.checkout?.dir ?? "/");

  args.push(
    "--",
    PRLIMIT_PATH,
    `--nproc=${limits.tasks}`,
    `--data=${limits.dataBytes}`,
    // A crashing test must not drop multi-gigabyte core files into the checkout.
    "--core=0",
    // Nor can a test write one file of gigabytes: the write fails (SIGXFSZ, or EFBIG if ignored).
    `--fsize=${limits.fileBytes}`,
    "--",
    ...params.argv,
  );
  return args;
}
