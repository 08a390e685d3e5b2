// A tiny stand-in for Next.js's API routes, with Node's own http module and nothing to install.
// It serves pages/api/<name>.js at /api/<name> and gives each handler what Next.js gives it:
// req.body (parsed by Content-Type), req.query, req.cookies, and res.status(code).json(obj) /
// res.send(body). Loopback only. Usage: node next-api-adapter.js [port]  (0 or none: a free port)
import http from "node:http";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HOST = "127.0.0.1"; // never another interface: the article's code is forgeable on purpose
const API_DIR = join(dirname(fileURLToPath(import.meta.url)), "pages", "api");
const MAX_BODY_BYTES = 1024 * 1024; // Next.js's default body size limit ("1mb")

function parseCookies(header) {
  const cookies = {};
  for (const pair of (header || "").split(";")) {
    const at = pair.indexOf("=");
    if (at > 0) cookies[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return cookies;
}

// As Next.js's body parser: JSON (an empty JSON body is {}), form fields, or the text as it came.
function parseBody(text, contentType) {
  const type = (contentType || "text/plain").split(";")[0].trim().toLowerCase();
  if (type === "application/json" || type === "application/ld+json") return text === "" ? {} : JSON.parse(text);
  if (type === "application/x-www-form-urlencoded") return Object.fromEntries(new URLSearchParams(text));
  return text;
}

// As Next.js answers what it refuses before (or after) the handler: a status and a line of text.
function sendError(res, status, message) {
  res.statusCode = status;
  res.statusMessage = message;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.end(message);
}

function sendJson(res, status, value) {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.end(JSON.stringify(value));
}

function addNextHelpers(res) {
  res.status = (code) => {
    res.statusCode = code;
    return res;
  };
  res.json = (value) => sendJson(res, res.statusCode, value);
  res.send = (body) => (typeof body === "object" && body !== null ? res.json(body) : res.end(String(body)));
  return res;
}

async function handlerFor(name) {
  const file = join(API_DIR, `${name}.js`);
  if (!/^[A-Za-z0-9_-]+$/.test(name) || !existsSync(file)) return null;
  return (await import(pathToFileURL(file).href)).default;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://${HOST}`);
  const match = url.pathname.match(/^\/api\/([^/]+)\/?$/);
  const handler = match && (await handlerFor(match[1]));
  if (!handler) return sendError(res, 404, "Not Found");

  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return sendError(res, 413, "Body exceeded 1mb limit");
    chunks.push(chunk);
  }
  try {
    req.body = parseBody(Buffer.concat(chunks).toString("utf8"), req.headers["content-type"]);
  } catch {
    return sendError(res, 400, "Invalid JSON");
  }
  req.query = Object.fromEntries(url.searchParams);
  req.cookies = parseCookies(req.headers.cookie);
  try {
    await handler(req, addNextHelpers(res));
  } catch (error) {
    // Next.js answers a handler that throws with a 500 and logs the error.
    console.error(error);
    if (!res.headersSent) sendError(res, 500, "Internal Server Error");
  }
});

server.listen(Number(process.argv[2] || 0), HOST, () => {
  console.log(`listening on http://${HOST}:${server.address().port}`);
});
