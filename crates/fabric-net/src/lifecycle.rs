//! The `_lifecycle` system chaincode's arguments and results (Fabric's
//! `peer/lifecycle/lifecycle.proto`, package `lifecycle`), which the generated modules this
//! crate uses do not export. Field numbers and types as in Fabric; the tests decode what a real
//! peer answers.

use std::collections::HashMap;

/// `InstallChaincodeArgs`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct InstallChaincodeArgs {
    /// The package file's bytes (`.tar.gz`).
    #[prost(bytes = "vec", tag = "1")]
    pub chaincode_install_package: Vec<u8>,
}

/// `InstallChaincodeResult`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct InstallChaincodeResult {
    /// `<label>:<sha256 hex of the package>`.
    #[prost(string, tag = "1")]
    pub package_id: String,
    /// The package's label.
    #[prost(string, tag = "2")]
    pub label: String,
}

/// `GetInstalledChaincodePackageArgs`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetInstalledChaincodePackageArgs {
    /// Which package.
    #[prost(string, tag = "1")]
    pub package_id: String,
}

/// `GetInstalledChaincodePackageResult`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetInstalledChaincodePackageResult {
    /// The package file's bytes, exactly as installed.
    #[prost(bytes = "vec", tag = "1")]
    pub chaincode_install_package: Vec<u8>,
}

/// `QueryInstalledChaincodesArgs` (no fields).
#[derive(Clone, PartialEq, prost::Message)]
pub struct QueryInstalledChaincodesArgs {}

/// `QueryInstalledChaincodesResult`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct QueryInstalledChaincodesResult {
    /// Every installed package.
    #[prost(message, repeated, tag = "1")]
    pub installed_chaincodes: Vec<InstalledChaincode>,
}

/// `QueryInstalledChaincodesResult.InstalledChaincode`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct InstalledChaincode {
    /// `<label>:<hash>`.
    #[prost(string, tag = "1")]
    pub package_id: String,
    /// The package's label.
    #[prost(string, tag = "2")]
    pub label: String,
    /// Channel → chaincode definitions that use this package.
    #[prost(map = "string, message", tag = "3")]
    pub references: HashMap<String, References>,
}

/// `QueryInstalledChaincodesResult.References`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct References {
    /// The chaincode definitions.
    #[prost(message, repeated, tag = "1")]
    pub chaincodes: Vec<Chaincode>,
}

/// `QueryInstalledChaincodesResult.Chaincode`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Chaincode {
    /// The chaincode's name on the channel.
    #[prost(string, tag = "1")]
    pub name: String,
    /// Its version.
    #[prost(string, tag = "2")]
    pub version: String,
}

/// `QueryChaincodeDefinitionsArgs` (no fields).
#[derive(Clone, PartialEq, prost::Message)]
pub struct QueryChaincodeDefinitionsArgs {}

/// `QueryChaincodeDefinitionsResult`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct QueryChaincodeDefinitionsResult {
    /// Every chaincode definition committed on the channel.
    #[prost(message, repeated, tag = "1")]
    pub chaincode_definitions: Vec<ChaincodeDefinition>,
}

/// `QueryChaincodeDefinitionsResult.ChaincodeDefinition` (the collections, field 7, are not
/// read).
#[derive(Clone, PartialEq, prost::Message)]
pub struct ChaincodeDefinition {
    /// The chaincode's name on the channel.
    #[prost(string, tag = "1")]
    pub name: String,
    /// The definition's sequence.
    #[prost(int64, tag = "2")]
    pub sequence: i64,
    /// Its version.
    #[prost(string, tag = "3")]
    pub version: String,
    /// The endorsement plugin (`escc`).
    #[prost(string, tag = "4")]
    pub endorsement_plugin: String,
    /// The validation plugin (`vscc`).
    #[prost(string, tag = "5")]
    pub validation_plugin: String,
    /// The endorsement policy (`ApplicationPolicy` bytes).
    #[prost(bytes = "vec", tag = "6")]
    pub validation_parameter: Vec<u8>,
    /// Whether `Init` must be called first.
    #[prost(bool, tag = "8")]
    pub init_required: bool,
}
