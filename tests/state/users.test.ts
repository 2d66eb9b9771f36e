/** Users and roles in the state DB. */
import { globalUserState } from '../../src/state/globalUserState';
import { useTempStateDb } from '../helpers/tempState';

useTempStateDb();

describe('users', () => {
  it('addOrUpdateUser returns true only on insert', async () => {
    expect(await globalUserState.addOrUpdateUser({ id: 'u0000001', name: 'alice', password: 'h1' })).toBe(true);
    expect(await globalUserState.addOrUpdateUser({ id: 'u0000001', name: 'alice2' })).toBe(false);
    const alice = await globalUserState.getUser('u0000001');
    expect(alice).toMatchObject({ id: 'u0000001', name: 'alice2', userType: 'legacy', role: '' });
    expect(typeof alice!.createdAt).toBe('number');
  });

  it('keeps the password when none is given, and changes it when one is', async () => {
    expect((await globalUserState.getUser('u0000001'))!.password).toBe('h1');
    await globalUserState.addOrUpdateUser({ id: 'u0000001', name: 'alice2', password: 'h2' });
    expect((await globalUserState.getUser('u0000001'))!.password).toBe('h2');
    await globalUserState.addOrUpdateUser({ id: 'u0000001', name: 'alice2', password: null });
    expect((await globalUserState.getUser('u0000001'))!.password).toBe('h2');
  });

  it('ignores a user without a name', async () => {
    expect(await globalUserState.addOrUpdateUser({ id: 'u0000009', name: null })).toBe(false);
    expect(await globalUserState.getUser('u0000009')).toBeNull();
  });

  it('getUserByName returns every user of that name (names are not unique)', async () => {
    await globalUserState.addOrUpdateUser({ id: 'u0000002', name: 'bob', createdAt: 100 });
    await globalUserState.addOrUpdateUser({ id: 'u0000003', name: 'bob', createdAt: 200, userType: 'basic' });
    const bobs = await globalUserState.getUserByName('bob');
    expect(bobs.map((u) => u.id).sort()).toEqual(['u0000002', 'u0000003']);
    expect(bobs.find((u) => u.id === 'u0000003')!.userType).toBe('basic');
    expect(await globalUserState.getUserByName('nobody')).toEqual([]);
  });

  it('getAllUsers lists everyone, oldest first', async () => {
    const all = await globalUserState.getAllUsers();
    expect(all.map((u) => u.id)).toEqual(['u0000002', 'u0000003', 'u0000001']);
  });

  it('roles: none is "" on the record and null from getUserRole; set and change', async () => {
    expect(await globalUserState.getUserRole('u0000002')).toBeNull();
    await globalUserState.setUserRole('u0000002', 'viewer');
    expect(await globalUserState.getUserRole('u0000002')).toBe('viewer');
    await globalUserState.setUserRole('u0000002', 'admin');
    expect(await globalUserState.getUserRole('u0000002')).toBe('admin');
    expect((await globalUserState.getUser('u0000002'))!.role).toBe('admin');
    expect((await globalUserState.getUser('u0000003'))!.role).toBe('');
  });

  it('deleteUser removes the user and its role', async () => {
    expect(await globalUserState.deleteUser('u0000002')).toBe(true);
    expect(await globalUserState.getUser('u0000002')).toBeNull();
    expect(await globalUserState.getUserRole('u0000002')).toBeNull();
    expect(await globalUserState.deleteUser('u0000002')).toBe(false);
    expect((await globalUserState.getAllUsers()).map((u) => u.id)).toEqual(['u0000003', 'u0000001']);
  });
});
