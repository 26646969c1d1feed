/** Each vendored file: its path under node_modules and its name in src/console/vendor. */
export const VENDORED: readonly { from: string; to: string }[];
/** src/console/vendor. */
export const VENDOR_DIR: string;
/** The repository's node_modules. */
export const NODE_MODULES: string;
/** The vendor folder's README, naming the installed versions. */
export function vendorReadme(): string;
