'use strict';

// Runs the contract against an in-memory stand-in for ctx.stub; no Fabric needed.

const test = require('node:test');
const assert = require('node:assert/strict');

const AssetContract = require('../lib/asset');
const entry = require('../index');

class MemoryStub {
    constructor() {
        this.state = new Map();
        this.openIterators = 0;
    }

    async getState(key) {
        // The real shim returns an empty buffer for a missing key.
        return this.state.has(key) ? Buffer.from(this.state.get(key)) : Buffer.alloc(0);
    }

    async putState(key, value) {
        this.state.set(key, Buffer.from(value));
    }

    async getStateByRange(startKey, endKey) {
        const keys = [...this.state.keys()]
            .filter((k) => (startKey === '' || k >= startKey) && (endKey === '' || k < endKey))
            .sort();
        let index = 0;
        this.openIterators += 1;
        return {
            next: async () => {
                if (index >= keys.length) {
                    return { done: true };
                }
                const key = keys[index++];
                return { done: false, value: { key, value: Buffer.from(this.state.get(key)) } };
            },
            close: async () => {
                this.openIterators -= 1;
            },
        };
    }
}

function setup() {
    const stub = new MemoryStub();
    return { contract: new AssetContract(), ctx: { stub }, stub };
}

test('index exports the contract list the shim loads', () => {
    assert.deepEqual(entry.contracts, [AssetContract]);
    assert.equal(new AssetContract().getName(), 'AssetContract');
});

test('create then read returns deterministic JSON with sorted keys', async () => {
    const { contract, ctx, stub } = setup();
    const created = await contract.CreateAsset(ctx, 'asset1', 'blue', '5', 'Tomoko', '300');
    const expected = '{"AppraisedValue":300,"Color":"blue","ID":"asset1","Owner":"Tomoko","Size":5}';
    assert.equal(created, expected);
    assert.equal(await contract.ReadAsset(ctx, 'asset1'), expected);
    assert.equal(stub.state.get('asset1').toString('utf8'), expected);
});

test('create refuses an existing id and leaves it unchanged', async () => {
    const { contract, ctx } = setup();
    await contract.CreateAsset(ctx, 'asset1', 'blue', '5', 'Tomoko', '300');
    await assert.rejects(
        contract.CreateAsset(ctx, 'asset1', 'red', '1', 'Brad', '1'),
        { message: 'The asset asset1 already exists' },
    );
    assert.equal(JSON.parse(await contract.ReadAsset(ctx, 'asset1')).Owner, 'Tomoko');
});

test('create validates its arguments', async () => {
    const { contract, ctx, stub } = setup();
    await assert.rejects(contract.CreateAsset(ctx, '', 'blue', '5', 'Tomoko', '300'),
        { message: 'id must be a non-empty string' });
    await assert.rejects(contract.CreateAsset(ctx, 'a', 'blue', 'five', 'Tomoko', '300'),
        { message: 'size must be a non-negative integer, got "five"' });
    await assert.rejects(contract.CreateAsset(ctx, 'a', 'blue', '5', 'Tomoko', '-1'),
        { message: 'appraisedValue must be a non-negative integer, got "-1"' });
    await assert.rejects(contract.CreateAsset(ctx, 'a', 'blue', '5', ' ', '1'),
        { message: 'owner must be a non-empty string' });
    assert.equal(stub.state.size, 0);
});

test('read of an unknown id names the id', async () => {
    const { contract, ctx } = setup();
    await assert.rejects(contract.ReadAsset(ctx, 'nope'), { message: 'The asset nope does not exist' });
});

test('transfer returns the old owner and stores the new one', async () => {
    const { contract, ctx } = setup();
    await contract.CreateAsset(ctx, 'asset1', 'blue', '5', 'Tomoko', '300');
    assert.equal(await contract.TransferAsset(ctx, 'asset1', 'Brad'), 'Tomoko');
    assert.equal(
        await contract.ReadAsset(ctx, 'asset1'),
        '{"AppraisedValue":300,"Color":"blue","ID":"asset1","Owner":"Brad","Size":5}',
    );
    assert.equal(await contract.TransferAsset(ctx, 'asset1', 'Max'), 'Brad');
});

test('transfer of an unknown id fails without writing', async () => {
    const { contract, ctx, stub } = setup();
    await assert.rejects(contract.TransferAsset(ctx, 'ghost', 'Brad'), { message: 'The asset ghost does not exist' });
    await assert.rejects(contract.TransferAsset(ctx, 'ghost', ''), { message: 'newOwner must be a non-empty string' });
    assert.equal(stub.state.size, 0);
});

test('exists reports presence', async () => {
    const { contract, ctx } = setup();
    assert.equal(await contract.AssetExists(ctx, 'asset1'), false);
    await contract.CreateAsset(ctx, 'asset1', 'blue', '5', 'Tomoko', '300');
    assert.equal(await contract.AssetExists(ctx, 'asset1'), true);
});

test('GetAllAssets lists every asset in key order and closes the iterator', async () => {
    const { contract, ctx, stub } = setup();
    assert.equal(await contract.GetAllAssets(ctx), '[]');
    await contract.CreateAsset(ctx, 'b', 'red', '2', 'Brad', '20');
    await contract.CreateAsset(ctx, 'a', 'blue', '1', 'Ann', '10');
    const all = await contract.GetAllAssets(ctx);
    assert.equal(
        all,
        '[{"AppraisedValue":10,"Color":"blue","ID":"a","Owner":"Ann","Size":1},' +
        '{"AppraisedValue":20,"Color":"red","ID":"b","Owner":"Brad","Size":2}]',
    );
    assert.equal(stub.openIterators, 0);
});
