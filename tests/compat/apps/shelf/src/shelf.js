// Keeps the shelf's notes in order.
export function shelve (notes, note) {
  return [...notes, note].sort((a, b) => a.localeCompare(b))
}
