// What the plans UI remembers while the app runs: which draft plans were previewed (the
// engine stores no "previewed" state; a restart shows them as drafts again).
const previewed = new Set<string>();

export function markPreviewed(name: string): void {
  previewed.add(name);
}

export function wasPreviewed(name: string): boolean {
  return previewed.has(name);
}
