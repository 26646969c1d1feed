/** Each vendored file: its path under node_modules and its name in src/console/vendor. */
export const VENDORED: readonly VendoredFile[];
/** One vendored file; `relink`: its bare `preact` import is pointed at the sibling copy. */
export interface VendoredFile {
  from: string;
  to: string;
  relink?: boolean;
}
/** The content the vendor folder should hold for an entry. */
export function vendoredContent(entry: VendoredFile): Buffer;
/** src/console/vendor. */
export const VENDOR_DIR: string;
/** The repository's node_modules. */
export const NODE_MODULES: string;
/** The vendor folder's README, naming the installed versions. */
export function vendorReadme(): string;
