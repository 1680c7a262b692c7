//! The engine talks to consoles and to the Fabric CA only through these traits, so the same
//! engine runs against real servers, the test servers, or anything else that speaks the API.
//! The implementations for the crates' real clients are here too.

use std::future::Future;

use fabric_ha_console::{
    Component, ComponentQuery, ComponentStatus, ComponentType, ConnectionReport, ConsoleClient,
    ConsoleError, CreateCaBody, CreatePeerBody,
};
use fabric_ha_fabric_ca::{
    CaError, CaIdentity, CaInfo, ClientOptions, EnrollRequest, Enrollment, FabricCaClient,
    IdentityInfo, RegisterRoute, RegistrationRequest, TlsPin,
};
use fabric_ha_sensitive::Sensitive;
use serde_json::Value;

/// What the engine needs from a console (reference §2, §3).
pub trait ConsoleApi: Sync {
    /// Every component record.
    fn list(&self) -> impl Future<Output = Result<Vec<Component>, ConsoleError>> + Send;
    /// One record, fresh and with its certificates.
    fn get(&self, id: &str) -> impl Future<Output = Result<Component, ConsoleError>> + Send;
    /// Imports a component (a strict v3 body).
    fn import(
        &self,
        kind: ComponentType,
        body: &Value,
    ) -> impl Future<Output = Result<Component, ConsoleError>> + Send;
    /// Edits a record with only the changed fields (§2.4).
    fn edit(
        &self,
        kind: ComponentType,
        id: &str,
        changes: &Value,
    ) -> impl Future<Output = Result<Component, ConsoleError>> + Send;
    /// Creates (deploys) a peer.
    fn create_peer(
        &self,
        body: &CreatePeerBody,
    ) -> impl Future<Output = Result<Component, ConsoleError>> + Send;
    /// Creates (deploys) a CA.
    fn create_ca(
        &self,
        body: &CreateCaBody,
    ) -> impl Future<Output = Result<Component, ConsoleError>> + Send;
    /// Health of components by id.
    fn status(
        &self,
        ids: &[&str],
    ) -> impl Future<Output = Result<Vec<(String, ComponentStatus)>, ConsoleError>> + Send;
    /// The connection test (reachability, key roles, deployer).
    fn test_connection(&self) -> impl Future<Output = ConnectionReport> + Send;
}

impl ConsoleApi for ConsoleClient {
    async fn list(&self) -> Result<Vec<Component>, ConsoleError> {
        self.list_components(ComponentQuery {
            skip_cache: true,
            ..ComponentQuery::default()
        })
        .await
    }

    async fn get(&self, id: &str) -> Result<Component, ConsoleError> {
        self.get_component(id, ComponentQuery::full()).await
    }

    async fn import(&self, kind: ComponentType, body: &Value) -> Result<Component, ConsoleError> {
        self.import_component(kind, body).await
    }

    async fn edit(
        &self,
        kind: ComponentType,
        id: &str,
        changes: &Value,
    ) -> Result<Component, ConsoleError> {
        self.edit_component(kind, id, changes).await
    }

    async fn create_peer(&self, body: &CreatePeerBody) -> Result<Component, ConsoleError> {
        ConsoleClient::create_peer(self, body).await
    }

    async fn create_ca(&self, body: &CreateCaBody) -> Result<Component, ConsoleError> {
        ConsoleClient::create_ca(self, body).await
    }

    async fn status(&self, ids: &[&str]) -> Result<Vec<(String, ComponentStatus)>, ConsoleError> {
        self.component_status(ids, 5000).await
    }

    async fn test_connection(&self) -> ConnectionReport {
        ConsoleClient::test_connection(self).await
    }
}

/// What the engine needs from the organization's Fabric CA (reference §5).
pub trait CaApi: Sync {
    /// A client for the CA at `api_url` whose TLS certificate is `tls_cert` (PEM or base64 of
    /// PEM, as in a CA record's `msp.component.tls_cert`): how the engine reaches a CA the
    /// plan created.
    fn connect(api_url: &str, tls_cert: &str) -> Result<Self, CaError>
    where
        Self: Sized;
    /// The CA's `cainfo` (reachability, chain).
    fn cainfo(&self, ca_name: &str) -> impl Future<Output = Result<CaInfo, CaError>> + Send;
    /// Enrolls an identity (the registrar).
    fn enroll(
        &self,
        request: &EnrollRequest,
    ) -> impl Future<Output = Result<Enrollment, CaError>> + Send;
    /// Registers an identity; returns its secret.
    fn register(
        &self,
        registrar: &CaIdentity,
        request: &RegistrationRequest,
    ) -> impl Future<Output = Result<Sensitive<String>, CaError>> + Send;
    /// Looks an identity up ([`fabric_ha_fabric_ca::CaErrorKind::NotFound`] when absent).
    fn identity(
        &self,
        caller: &CaIdentity,
        ca_name: &str,
        id: &str,
    ) -> impl Future<Output = Result<IdentityInfo, CaError>> + Send;
}

impl CaApi for FabricCaClient {
    fn connect(api_url: &str, tls_cert: &str) -> Result<Self, CaError> {
        FabricCaClient::new(
            api_url,
            &TlsPin::from_pem(tls_cert)?,
            ClientOptions::default(),
        )
    }

    async fn cainfo(&self, ca_name: &str) -> Result<CaInfo, CaError> {
        FabricCaClient::cainfo(self, ca_name).await
    }

    async fn enroll(&self, request: &EnrollRequest) -> Result<Enrollment, CaError> {
        FabricCaClient::enroll(self, request).await
    }

    async fn register(
        &self,
        registrar: &CaIdentity,
        request: &RegistrationRequest,
    ) -> Result<Sensitive<String>, CaError> {
        FabricCaClient::register(self, registrar, request, RegisterRoute::Identities).await
    }

    async fn identity(
        &self,
        caller: &CaIdentity,
        ca_name: &str,
        id: &str,
    ) -> Result<IdentityInfo, CaError> {
        FabricCaClient::identity(self, caller, ca_name, id).await
    }
}
