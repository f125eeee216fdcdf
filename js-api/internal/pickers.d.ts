/**
 * `oro:internal/pickers` — the Oro Runtime's File System Access pickers: the desktop's own
 * dialogs, answering `oro:fs/web` handles (the page's `showOpenFilePicker`,
 * `showSaveFilePicker` and `showDirectoryPicker` with the oro-fs plugin).
 * @module oro:internal/pickers
 */

import type { FileSystemDirectoryHandle, FileSystemFileHandle } from 'oro:fs/web'

/** A file type the dialog offers (the File System Access API's form). */
export interface PickerType {
  description?: string
  /** MIME type → extensions (`{ 'image/png': ['.png'] }`). */
  accept?: Record<string, string | string[]>
}

export interface PickerOptions {
  /** Dialogs of the same id start where the last one was left. */
  id?: string
  /** `desktop`, `documents`, `downloads`, `music`, `pictures`, `videos`, a path, or a handle. */
  startIn?: string | FileSystemFileHandle | FileSystemDirectoryHandle
  types?: PickerType[]
  excludeAcceptAllOption?: boolean
}

/** Open: read-only handles for the files picked. Needs a user gesture. */
export function showOpenFilePicker (options?: (PickerOptions & { multiple?: boolean }) | null): Promise<FileSystemFileHandle[]>
/** Save: a writable handle for the file chosen (created empty when missing). */
export function showSaveFilePicker (options?: (PickerOptions & { suggestedName?: string }) | null): Promise<FileSystemFileHandle>
/** Directory: a handle for the directory chosen, writable with `mode: 'readwrite'`. */
export function showDirectoryPicker (options?: (PickerOptions & { mode?: 'read' | 'readwrite' }) | null): Promise<FileSystemDirectoryHandle>

declare const pickers: {
  showDirectoryPicker: typeof showDirectoryPicker
  showOpenFilePicker: typeof showOpenFilePicker
  showSaveFilePicker: typeof showSaveFilePicker
}
export default pickers
