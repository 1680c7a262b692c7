'use strict';

const { Contract } = require('fabric-contract-api');

/**
 * JSON with object keys sorted at every level, so the same asset always serializes to the same
 * bytes. Every peer that endorses a transaction must produce an identical read/write set and
 * response, otherwise the client sees a "ProposalResponsePayloads do not match" failure.
 */
function canonicalJson(value) {
    return JSON.stringify(sortKeys(value));
}

function sortKeys(value) {
    if (Array.isArray(value)) {
        return value.map(sortKeys);
    }
    if (value !== null && typeof value === 'object') {
        const sorted = {};
        for (const key of Object.keys(value).sort()) {
            sorted[key] = sortKeys(value[key]);
        }
        return sorted;
    }
    return value;
}

function requireText(name, value) {
    if (typeof value !== 'string' || value.trim() === '') {
        throw new Error(`${name} must be a non-empty string`);
    }
    return value;
}

function requireCount(name, value) {
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || !/^(0|[1-9][0-9]*)$/.test(text.trim())) {
        throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
    }
    const number = Number(text.trim());
    if (!Number.isSafeInteger(number)) {
        throw new Error(`${name} is too large: ${text}`);
    }
    return number;
}

function hasValue(bytes) {
    return Boolean(bytes) && bytes.length > 0;
}

class AssetContract extends Contract {
    constructor() {
        super('AssetContract');
    }

    /**
     * Creates a new asset. Fails if an asset with this id already exists.
     * Returns the stored asset as JSON.
     */
    async CreateAsset(ctx, id, color, size, owner, appraisedValue) {
        requireText('id', id);
        const asset = {
            AppraisedValue: requireCount('appraisedValue', appraisedValue),
            Color: requireText('color', color),
            ID: id,
            Owner: requireText('owner', owner),
            Size: requireCount('size', size),
        };
        if (await this.AssetExists(ctx, id)) {
            throw new Error(`The asset ${id} already exists`);
        }
        const json = canonicalJson(asset);
        await ctx.stub.putState(id, Buffer.from(json));
        return json;
    }

    /** Returns the asset stored under `id` as a JSON string. */
    async ReadAsset(ctx, id) {
        requireText('id', id);
        const bytes = await ctx.stub.getState(id);
        if (!hasValue(bytes)) {
            throw new Error(`The asset ${id} does not exist`);
        }
        return Buffer.from(bytes).toString('utf8');
    }

    /** Gives the asset to `newOwner` and returns the previous owner. */
    async TransferAsset(ctx, id, newOwner) {
        requireText('newOwner', newOwner);
        const asset = JSON.parse(await this.ReadAsset(ctx, id));
        const oldOwner = asset.Owner;
        asset.Owner = newOwner;
        await ctx.stub.putState(id, Buffer.from(canonicalJson(asset)));
        return oldOwner;
    }

    /** True when an asset is stored under `id`. */
    async AssetExists(ctx, id) {
        requireText('id', id);
        const bytes = await ctx.stub.getState(id);
        return hasValue(bytes);
    }

    /** Every asset in the world state, ordered by key, as a JSON array. */
    async GetAllAssets(ctx) {
        const assets = [];
        const iterator = await ctx.stub.getStateByRange('', '');
        try {
            let result = await iterator.next();
            while (!result.done) {
                const text = Buffer.from(result.value.value).toString('utf8');
                try {
                    assets.push(JSON.parse(text));
                } catch (_err) {
                    assets.push(text);
                }
                result = await iterator.next();
            }
        } finally {
            await iterator.close();
        }
        return canonicalJson(assets);
    }
}

module.exports = AssetContract;
