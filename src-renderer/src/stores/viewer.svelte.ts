/** The viewer's state: zoom and pan, the before/after split, the frame shown, clipping warnings, a frame's weights overlay. View state only: nothing here is an edit. */
import type { PreviewImage, Thumbnail, WeightMap } from '../../../src-preload/contract';
import { getBridge, isSuperseded } from '../lib/bridge';
import { centred, clampPan, fitView, panBy, scaleLimits, stepZoom, visibleRect, wheelFactor, zoomAt, type Point, type Size, type View } from '../lib/view-transform';

/** How long the view stays still before the pixels on screen are fetched at full resolution. */
const REFINE_DELAY_MS = 200;
/** The most the engine sends of a region (its long side). */
const MAX_REGION_SIDE = 4096;

/** The long side the app asks previews at (the merge's previewMaxSide): frames come at the same size. */
export const PREVIEW_MAX_SIDE = 1280;

export class ViewerStore {
  view = $state.raw<View>({ scale: 1, x: 0, y: 0 });
  /** True until the user zooms or pans: the image is refitted when the viewport or the image changes size. */
  fitted = $state(true);
  viewport = $state.raw<Size>({ width: 0, height: 0 });
  /** Full-resolution size of what is shown (the merge). */
  image = $state.raw<Size>({ width: 0, height: 0 });
  private imageKey = '';
  /** Device pixels per CSS pixel, for 100%. */
  dpr = $state(1);
  /** Device pixels per image pixel: 1 is 100%. */
  zoom = $derived(this.view.scale * this.dpr);
  /** Preview pixels per image pixel (the merge's preview is downsampled). */
  previewScale = $state(1);
  /** Zoomed beyond the preview's resolution: its pixels are shown magnified. */
  magnified = $derived(this.zoom > this.previewScale + 1e-9);

  /** Before (left of the divider) and after (right) side by side. */
  split = $state(false);
  /** The divider's position, as a fraction of the viewport's width. */
  divider = $state(0.5);
  clipping = $state(false);
  /** A frame (index as loaded) shown instead of the merge; null: the merge. */
  frame = $state<number | null>(null);

  /**
   * The frame whose weight map is drawn over the image, by its key (a loaded frame's path; the
   * synthetic frame's name): keys survive a frame being left out, which opens the bracket again. Null: none.
   */
  weights = $state<string | null>(null);
  /** The last frame whose weights were shown, for the W key. */
  private lastWeights: string | null = null;
  /** The shown frame's weight map for a merge, once it has arrived (or the engine's reason why there is none). */
  weightMap = $state.raw<{ merge: unknown; key: string; map: WeightMap } | null>(null);
  private weightsAsked: { merge: unknown; key: string } | null = null;
  weightsError = $state<string | null>(null);

  /** Zoomed beyond the preview: the pixels on screen at full resolution, with where they lie (image pixels) and the merge they are of. */
  region = $state.raw<{ merge: unknown; rect: { x: number; y: number; width: number; height: number }; image: PreviewImage } | null>(null);
  private regionTimer: ReturnType<typeof setTimeout> | undefined;
  private regionAsked = 0;

  /** Frames as shot at preview size, by project and index; a new merge (alignment may change) clears them. */
  private shots = $state.raw<Readonly<Record<string, Thumbnail>>>({});
  /** Keys already asked for (plain: not something to render). */
  private asked: string[] = [];
  private shotsFor: unknown = null;
  shotError = $state<string | null>(null);

  private get ready(): boolean {
    return this.viewport.width > 0 && this.viewport.height > 0 && this.image.width > 0 && this.image.height > 0;
  }

  setViewport(size: Size, dpr: number): void {
    this.viewport = size;
    this.dpr = dpr > 0 ? dpr : 1;
    if (!this.ready) return;
    this.view = this.fitted ? fitView(this.image, size) : clampPan(this.view, this.image, size);
  }

  /** What is shown: a new project, or an image of another size, is fitted; a re-merge of the same one keeps the view. */
  setImage(size: Size, previewWidth: number, key: string): void {
    this.previewScale = previewWidth / size.width;
    const changed = key !== this.imageKey || size.width !== this.image.width || size.height !== this.image.height;
    this.image = size;
    this.imageKey = key;
    if (changed) this.fit();
  }

  fit(): void {
    this.fitted = true;
    if (this.ready) this.view = fitView(this.image, this.viewport);
  }

  /** Zoom to `zoom` (1 = 100%) around a viewport point, by default its centre. */
  zoomTo(zoom: number, anchor?: Point): void {
    if (!this.ready) return;
    const at = anchor ?? { x: this.viewport.width / 2, y: this.viewport.height / 2 };
    this.fitted = false;
    const limits = scaleLimits(this.image, this.viewport, this.dpr);
    this.view = clampPan(zoomAt(this.view, zoom / this.dpr, at, limits), this.image, this.viewport);
  }

  /** 100%, centred on the image point at the viewport's centre (or the anchor). */
  actual(anchor?: Point): void {
    if (this.ready && this.fitted && !anchor) {
      this.fitted = false;
      this.view = centred(this.image, this.viewport, 1 / this.dpr);
      return;
    }
    this.zoomTo(1, anchor);
  }

  step(direction: 1 | -1, anchor?: Point): void {
    this.zoomTo(stepZoom(this.zoom, direction), anchor);
  }

  wheel(deltaY: number, deltaMode: number, anchor: Point): void {
    this.zoomTo(this.zoom * wheelFactor(deltaY, deltaMode), anchor);
  }

  pan(dx: number, dy: number): void {
    if (!this.ready) return;
    this.fitted = false;
    this.view = panBy(this.view, dx, dy, this.image, this.viewport);
  }

  /** The divider's position, kept inside the viewport. */
  setDivider(fraction: number): void {
    if (Number.isFinite(fraction)) this.divider = Math.min(1, Math.max(0, fraction));
  }

  /** Frame `index` as shot, once it has arrived for this merge. */
  shotOf(projectId: string, index: number): Thumbnail | null {
    return this.shots[`${projectId}:${index}`] ?? null;
  }

  /** Fetches frame `index` as shot, once per merge (`merge` identifies it: a new one may be aligned differently). Call from an effect. */
  request(projectId: string, merge: unknown, index: number): void {
    if (merge !== this.shotsFor) {
      this.shotsFor = merge;
      this.asked = [];
      this.shots = {};
    }
    const key = `${projectId}:${index}`;
    if (this.asked.includes(key)) return;
    this.asked.push(key);
    void this.fetchShot(projectId, merge, index, key);
  }

  /** Once the view is still, asks for what it shows at full resolution when zoomed beyond the preview. Call from an effect. */
  refine(projectId: string, merge: unknown): void {
    clearTimeout(this.regionTimer);
    if (this.region && this.region.merge !== merge) this.region = null;
    const rect = this.magnified && this.ready ? visibleRect(this.view, this.image, this.viewport) : null;
    if (!rect) return;
    const have = this.region;
    if (have && have.merge === merge && have.rect.x <= rect.x && have.rect.y <= rect.y && have.rect.x + have.rect.width >= rect.x + rect.width && have.rect.y + have.rect.height >= rect.y + rect.height) return;
    const id = ++this.regionAsked;
    this.regionTimer = setTimeout(async () => {
      try {
        const maxSide = Math.min(MAX_REGION_SIDE, Math.max(64, rect.width, rect.height));
        const image = await getBridge()['project:preview-region']({ projectId, ...rect, maxSide });
        if (id === this.regionAsked) this.region = { merge, rect, image };
      } catch (error) {
        // A newer merge took over while the full-resolution one ran: its own region is asked for when it arrives.
        if (isSuperseded(error)) return;
        this.shotError = `The full-resolution view failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    }, REFINE_DELAY_MS);
  }

  /** Shows the weights of the frame with this key, or hides them when they are already shown (one frame at a time). */
  toggleWeights(key: string): void {
    this.weights = this.weights === key ? null : key;
    if (this.weights !== null) this.lastWeights = this.weights;
  }

  /** The W key: hides the weights shown, or shows those of `preferred` (the frame in view), else the last shown, else the first frame's. */
  toggleWeightsKey(keys: readonly string[], preferred: string | null): void {
    if (this.weights !== null) {
      this.weights = null;
      return;
    }
    const key = preferred ?? (this.lastWeights !== null && keys.includes(this.lastWeights) ? this.lastWeights : keys[0]);
    if (key !== undefined) this.toggleWeights(key);
  }

  /** Fetches the weight map of frame `index` (whose key is `key`) in this merge, once. Call from an effect. */
  requestWeights(projectId: string, merge: unknown, index: number, key: string): void {
    const asked = this.weightsAsked;
    if (asked && asked.merge === merge && asked.key === key) return;
    const ask = { merge, key };
    this.weightsAsked = ask;
    void (async () => {
      try {
        const map = await getBridge()['project:weight-map']({ projectId, index });
        if (this.weightsAsked !== ask) return;
        this.weightMap = { merge, key, map };
        this.weightsError = null;
      } catch (error) {
        if (this.weightsAsked === ask) this.weightsAsked = null;
        this.weightsError = `The weights could not be shown: ${error instanceof Error ? error.message : String(error)}`;
      }
    })();
  }

  private async fetchShot(projectId: string, merge: unknown, index: number, key: string): Promise<void> {
    try {
      const shot = await getBridge()['project:frame-preview']({ projectId, index, maxSide: PREVIEW_MAX_SIDE });
      if (merge !== this.shotsFor) return;
      this.shots = { ...this.shots, [key]: shot };
      this.shotError = null;
    } catch (error) {
      this.asked = this.asked.filter((k) => k !== key);
      if (isSuperseded(error)) return;
      this.shotError = `Frame ${index + 1} could not be shown: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}
