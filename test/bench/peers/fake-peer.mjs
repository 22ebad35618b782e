// A stand-in peer harness for the unit tests: asks the model (through the counting proxy) twice,
// then edits the checkout the way FAKE_MODE says and prints the model's last reply.
import fs from "node:fs";

const base = process.env.OPENAI_BASE;
let reply = "";
for (let i = 0; i < 2; i++) {
  const res = await fetch(`${base}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: process.env.FAKE_MODEL, messages: [{ role: "user", content: "fix it" }] }),
  });
  reply = (await res.json()).choices[0].message.content;
}
const mode = process.env.FAKE_MODE;
if (mode === "fix") {
  const file = "timeparse/duration.py";
  fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("(h|m|s|ms)", "(ms|h|m|s)"));
} else if (mode === "decoy") {
  fs.appendFileSync("README.md", "\nms works now\n");
} else if (mode === "break") {
  fs.writeFileSync("timeparse/duration.py", "raise SystemExit(1)\n");
} else if (mode === "hang") {
  await new Promise(() => setInterval(() => undefined, 1000));
}
process.stdout.write(reply);
