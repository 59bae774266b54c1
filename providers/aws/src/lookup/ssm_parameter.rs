//! `Stratus::Lookup::SsmParameter`: the value of an SSM parameter (the newest Amazon Linux 2023
//! image id, from AWS's public parameter). The physical id is the parameter's name; the value is
//! the `Value` attribute, so a refresh that reads a newer one updates what refers to it.

use async_trait::async_trait;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::found;
use crate::contracts;
use crate::error::{absent_if_not_found, classify, invalid};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::string;

pub(super) struct SsmParameterLookup;

#[async_trait]
impl Handler for SsmParameterLookup {
    fn contract(&self) -> &'static TypeContract {
        &contracts::lookup::SSM_PARAMETER
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let name = string(request.inputs, "Name")?;
        match self.read(cx, name).await? {
            Some(live) => Ok(found(name, live)),
            None => Err(invalid(format!(
                "the SSM parameter {name} does not exist in this account and region: check its \
                 name (AWS's public ones start with /aws/service/)"
            ))),
        }
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let out = cx.ssm.get_parameter().name(physical_id).send().await;
        let Some(out) = absent_if_not_found(out.map_err(classify))? else {
            return Ok(None);
        };
        let Some(value) = out.parameter().and_then(|p| p.value()) else {
            return Ok(None);
        };
        let mut properties = Inputs::new();
        properties.insert("Name".into(), Json::from(physical_id));
        Ok(Some(Live {
            properties,
            attributes: [("Value".to_owned(), Json::from(value))].into(),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        // Nothing updates in place (a new name is a new lookup): read it again.
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, _: &Context, _: DeleteRequest<'_>) -> Result<(), ProviderError> {
        // A lookup made nothing: forgetting it is all there is to do.
        Ok(())
    }

    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError> {
        let name = string(request.inputs, "Name")?;
        Ok(self.read(cx, name).await?.map(|live| found(name, live)))
    }
}
