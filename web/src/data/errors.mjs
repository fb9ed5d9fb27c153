// The data layer's one error class. Its `code` is what the app branches on; its message is for
// people and never holds a key, a passphrase or a message's text (only ids, names and limits).

/** @typedef {'not_found'|'invalid'|'vault_locked'|'vault_failed'|'import_invalid'|'storage'} DataErrorCode */

export class DataError extends Error {
  /**
   * @param {DataErrorCode} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'DataError';
    this.code = code;
  }
}
