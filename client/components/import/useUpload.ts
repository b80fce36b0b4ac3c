/**
 * The upload, through XMLHttpRequest because fetch cannot report upload progress. Two phases a person
 * can see: bytes going up (a percentage), then the server checking and registering rows.
 */
import { onBeforeUnmount, ref, shallowRef } from 'vue';
import type { ImportResult } from '../../../shared/import';

export type UploadState = 'idle' | 'uploading' | 'processing' | 'done' | 'failed';

const IMPORT_URL = '/api/v1/hazards/import';

function errorOf(xhr: XMLHttpRequest): string {
  try {
    const body = JSON.parse(xhr.responseText) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  return `HTTP ${xhr.status}`;
}

export function useUpload() {
  const state = ref<UploadState>('idle');
  const progress = ref(0);
  const result = shallowRef<ImportResult | null>(null);
  const error = ref('');
  let xhr: XMLHttpRequest | null = null;

  function start(file: File): void {
    xhr?.abort();
    const req = new XMLHttpRequest();
    xhr = req;
    const form = new FormData();
    form.append('file', file, file.name);
    state.value = 'uploading';
    progress.value = 0;
    result.value = null;
    error.value = '';
    req.open('POST', IMPORT_URL);
    req.withCredentials = true;
    req.timeout = 15 * 60_000;
    req.upload.onprogress = (e) => {
      if (e.lengthComputable) progress.value = e.loaded / e.total;
    };
    req.upload.onload = () => {
      progress.value = 1;
      state.value = 'processing';
    };
    req.onload = () => {
      if (req.status === 200) {
        result.value = JSON.parse(req.responseText) as ImportResult;
        state.value = 'done';
      } else {
        error.value = errorOf(req);
        state.value = 'failed';
      }
    };
    const fail = (why: string) => () => {
      error.value = why;
      state.value = 'failed';
    };
    req.onerror = fail('network error');
    req.ontimeout = fail('timeout');
    req.send(form);
  }

  function clear(): void {
    xhr?.abort();
    state.value = 'idle';
    progress.value = 0;
    result.value = null;
    error.value = '';
  }

  onBeforeUnmount(() => xhr?.abort());
  return { state, progress, result, error, start, clear };
}
