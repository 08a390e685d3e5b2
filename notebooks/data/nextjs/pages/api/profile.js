// pages/api/profile.js: the article's profile API route (Next.js Pages Router), as it printed it.
export default function handler(req, res) {
  const cookies = req.headers.cookie || "";

  if (cookies.includes("user=admin")) {
    return res.status(200).json({ message: "Welcome Admin" });
  }

  res.status(401).json({ message: "Not logged in" });
}
