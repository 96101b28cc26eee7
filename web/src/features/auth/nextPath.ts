// Where to go after signing in. `?next=` comes from the address bar, so only a path inside the
// app is followed (never another origin such as "//evil.example" or "https://...").
export function safeNext(next: string | null | undefined, fallback = "/"): string {
  if (!next) return fallback;
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  if (next.startsWith("/login") || next.startsWith("/signup")) return fallback;
  return next;
}
