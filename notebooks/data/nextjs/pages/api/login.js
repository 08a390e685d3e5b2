// pages/api/login.js: the article's login API route (Next.js Pages Router), as it printed it.
export default function handler(req, res) {
  const { username, password } = req.body;

  if (username === "admin" && password === "1234") {
    res.setHeader("Set-Cookie", "user=admin; HttpOnly; Path=/; Max-Age=3600");
    return res.status(200).json({ message: "Login successful" });
  }

  res.status(401).json({ message: "Invalid credentials" });
}
