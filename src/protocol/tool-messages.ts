/**
 * How the tools' results begin where success and failure differ: the words a model reads to know
 * whether its call worked. The tools write them and the simulator reads them from here.
 */
export const TOOL_RESULT = {
  /** read_file refused the path (missing, untracked, binary, too large, outside the checkout). */
  cannotRead: "Cannot read: ",
  /** read_file: the range is outside the file. */
  pastTheEnd: "is past the end",
  beforeStart: "is before start_line",
  cannotSearch: "Cannot search: ",
  searchFailed: "Search failed: ",
  noMatches: "No matches for ",
  cannotList: "Cannot list: ",
  noFiles: "No files under ",
  /** edit_file applied the edit. */
  edited: "Edited ",
  /** write_file created or replaced the file. */
  created: "Created ",
  replaced: "Replaced ",
  /** run_tests: the test command passed. */
  testsPassed: "Tests PASSED",
} as const;
