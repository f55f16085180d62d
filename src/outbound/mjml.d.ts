/**
 * MJML 5 ships untyped: the part Facteur calls. `mjml2html` is asynchronous from version 5 on;
 * with `validationLevel: 'soft'` it returns what the validator found instead of throwing.
 */
declare module 'mjml' {
  interface MjmlError {
    line: number;
    message: string;
    tagName: string;
    formattedMessage: string;
  }
  interface MjmlOptions {
    validationLevel?: 'strict' | 'soft' | 'skip';
    filePath?: string;
    keepComments?: boolean;
    fonts?: Record<string, string>;
  }
  export default function mjml2html(input: string, options?: MjmlOptions): Promise<{ html: string; errors: MjmlError[] }>;
}
