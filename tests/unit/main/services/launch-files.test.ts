import { describe, expect, it } from 'vitest';
import { imagePathsFromArgv, LaunchFiles } from '../../../../src-main/services/launch-files';

describe('files the OS asks the app to open', () => {
  it('takes the image paths from a command line, made absolute, and nothing else', () => {
    const argv = ['.', '--enable-logging', 'shots/a.CR3', '/abs/b.tif', 'notes.txt', '--flag=x.jpg', 'c.exr'];
    expect(imagePathsFromArgv(argv, '/home/me')).toEqual(['/home/me/shots/a.CR3', '/abs/b.tif', '/home/me/c.exr']);
  });

  it('hands each queued file over once', () => {
    const q = new LaunchFiles();
    q.add(['/a.jpg', '/b.jpg', '/a.jpg']);
    expect(q.take()).toEqual(['/a.jpg', '/b.jpg']);
    expect(q.take()).toEqual([]);
    q.add(['/c.dng']);
    expect(q.take()).toEqual(['/c.dng']);
  });
});
