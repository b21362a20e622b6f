// Renders the home-screen icons (public/icon-192.png, icon-512.png, apple-touch-icon.png) from the
// mark in public/icon.svg, full-bleed so a phone's own mask (circle, squircle) never cuts the mark:
// the dots sit inside the middle 80%, the maskable safe zone. Run once after changing the mark:
//   node scripts/make-icons.mjs
import path from "node:path";
import sharp from "sharp";

const root = path.resolve(import.meta.dirname, "..");
const MARK = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" fill="#4f46e5"/>
<g transform="translate(16 16) scale(0.8) translate(-16 -16)">
<circle cx="10" cy="10" r="3" fill="#fff"/><circle cx="22" cy="10" r="3" fill="#fff"/><circle cx="10" cy="22" r="3" fill="#fff"/><circle cx="22" cy="22" r="3" fill="#a5b4fc"/>
<path d="M10 10 L22 22 M22 10 L10 22" stroke="#fff" stroke-width="1.5"/>
</g></svg>`;

for (const [name, size] of [
  ["icon-192.png", 192],
  ["icon-512.png", 512],
  ["apple-touch-icon.png", 180],
]) {
  await sharp(Buffer.from(MARK), { density: (72 * size) / 32 })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toFile(path.join(root, "public", name));
  console.log(`public/${name} ${size}x${size}`);
}
