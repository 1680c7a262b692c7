'use strict';

// Entry point read by `fabric-chaincode-node server`: package.json "main" points here and
// the shim registers every class in `contracts`. The first one is the default contract, so
// its transactions are invoked by bare name (CreateAsset, ReadAsset, ...).

const AssetContract = require('./lib/asset');

module.exports.AssetContract = AssetContract;
module.exports.contracts = [AssetContract];
