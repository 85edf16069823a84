/**
 * The test host's stand-in for the preload: defines window.luxfuse with one action per contract
 * channel, each a POST to the host, which runs main's real validators, handlers and services.
 * Injected with page.addInitScript(installBridgeShim, options): it must be self-contained.
 */
export interface ShimOptions {
  channels: readonly string[];
  globalName: string;
  /** Where dropped files are taken to live (Electron gives real paths; a browser gives none). */
  dropFolder: string;
}

/** The window event the shim relays as a native menu command. */
export const SHIM_MENU_EVENT = 'luxfuse-test:menu-command';

export function installBridgeShim(options: ShimOptions): void {
  // Self-contained (serialised into the page): the constant is repeated, not captured.
  const menuEvent = 'luxfuse-test:menu-command';
  const typed: Record<string, { new (buffer: ArrayBuffer): ArrayBufferView }> = {
    Float32Array,
    Uint8Array,
    Uint8ClampedArray,
    Uint16Array,
  };
  function toBase64(view: ArrayBufferView): string {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }
  function encode(value: unknown): string {
    return JSON.stringify(value, (_k, v: unknown) => {
      if (ArrayBuffer.isView(v)) return { $typed: v.constructor.name, b64: toBase64(v) };
      // Structured clone keeps NaN and the infinities; JSON would turn them into null.
      if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
      return v;
    });
  }
  function decode(text: string): unknown {
    return JSON.parse(text, (_k, v: { $typed?: string; b64?: string } | unknown) => {
      if (v && typeof v === 'object' && '$typed' in v && 'b64' in v) {
        const binary = atob(v.b64 as string);
        const bytes = new Uint8Array(binary.length);
        for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
        return new typed[v.$typed as string](bytes.buffer);
      }
      if (v && typeof v === 'object' && '$number' in v) return Number(v.$number);
      return v;
    });
  }
  const bridge: Record<string, unknown> = {};
  for (const channel of options.channels) {
    bridge[channel] = async (...args: unknown[]) => {
      const response = await fetch(`/__ipc/${encodeURIComponent(channel)}`, { method: 'POST', body: encode(args) });
      const body = decode(await response.text()) as { ok: boolean; result?: unknown; error?: string };
      if (!body.ok) throw new Error(body.error);
      return body.result;
    };
  }
  bridge.pathForFile = (file: File) => `${options.dropFolder}/${file.name}`;
  // The native menu's commands: a spec plays one with window.dispatchEvent(new CustomEvent(SHIM_MENU_EVENT, { detail: command })).
  bridge.onMenuCommand = (listener: (command: unknown) => void) => {
    const relay = (event: Event) => listener((event as CustomEvent).detail);
    window.addEventListener(menuEvent, relay);
    return () => window.removeEventListener(menuEvent, relay);
  };
  Object.defineProperty(window, options.globalName, { value: Object.freeze(bridge), writable: false });
}
