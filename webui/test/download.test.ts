import { describe, expect, it } from 'vitest';
import { dispositionName } from '../src/lib/download';

describe('dispositionName', () => {
  const fb = 'state-backup.db';
  it('reads the quoted name the server sends', () => {
    expect(dispositionName('attachment; filename="state-20261130-110203.db"', fb)).toBe('state-20261130-110203.db');
  });
  it('reads a bare token and is case-insensitive about the parameter', () => {
    expect(dispositionName('attachment; FILENAME=state.db', fb)).toBe('state.db');
    expect(dispositionName('attachment;filename=a.db; size=3', fb)).toBe('a.db');
  });
  it('unescapes a quoted-pair', () => {
    expect(dispositionName('attachment; filename="a\\"b.db"', fb)).toBe('a"b.db');
  });
  it('keeps only the last path segment', () => {
    expect(dispositionName('attachment; filename="../../etc/x.db"', fb)).toBe('x.db');
    expect(dispositionName('attachment; filename="C:\\\\tmp\\\\y.db"', fb)).toBe('y.db');
  });
  it('falls back without a usable name', () => {
    expect(dispositionName(null, fb)).toBe(fb);
    expect(dispositionName(undefined, fb)).toBe(fb);
    expect(dispositionName('', fb)).toBe(fb);
    expect(dispositionName('attachment', fb)).toBe(fb);
    expect(dispositionName('attachment; filename=""', fb)).toBe(fb);
    expect(dispositionName('attachment; filename="dir/"', fb)).toBe(fb);
    expect(dispositionName('attachment; filename=".hidden"', fb)).toBe(fb);
    expect(dispositionName('attachment; myfilename="x.db"', fb)).toBe(fb);
  });
});
