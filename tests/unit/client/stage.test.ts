import { describe, expect, it } from 'vitest';
import { fitStage, pickProfile } from '../../../client/lib/stage';

describe('fitStage', () => {
  it.each([
    [1920, 1080, null, '1080p', 1, 0, 0],
    [3840, 2160, null, '4k', 2, 0, 0],
    [3840, 1080, null, '32x9', 1, 0, 0],
    [7680, 2160, null, '32x9', 2, 0, 0],
    [1920, 1200, null, '1080p', 1, 0, 60],
    [2560, 1080, null, '1080p', 1, 320, 0],
    [1280, 720, null, '1080p', 2 / 3, 0, 0],
    [1920, 1080, '32:9', '32x9', 0.5, 0, 270],
    [3840, 1080, 'uhd', '4k', 1, 960, 0],
  ] as const)('%s×%s (profile %s) → %s at ×%s, offset %s,%s', (vw, vh, req, name, scale, ox, oy) => {
    const fit = fitStage(vw, vh, req);
    expect(fit.profile.name).toBe(name);
    expect(fit.scale).toBeCloseTo(scale, 6);
    expect([fit.offsetX, fit.offsetY]).toEqual([ox, oy]);
    // never overflows the viewport
    expect(fit.profile.width * fit.scale).toBeLessThanOrEqual(vw + 1e-6);
    expect(fit.profile.height * fit.scale).toBeLessThanOrEqual(vh + 1e-6);
  });

  it('ignores an unknown profile name', () => {
    expect(pickProfile(1920, 1080, 'huge').name).toBe('1080p');
  });
});
