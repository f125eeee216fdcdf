export function greeting (platform) {
  return `Hello, ${platform}!`
}
