//! `AWS::CertificateManager::Certificate`: requested with an idempotency token from the intent
//! and tagged with the stack's ownership (found by its token tag: ACM keeps idempotency tokens
//! for an hour only). As CloudFormation does, the DNS validation records are written into the
//! hosted zone `DomainValidationOptions` names, and the certificate is waited for until issued
//! (on resume too). Only its tags change in place.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_acm::types::{CertificateDetail, CertificateStatus, Tag, ValidationMethod};
use aws_sdk_route53::types::{ChangeAction, ResourceRecord, ResourceRecordSet, RrType};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, ErrorKind, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use crate::contracts;
use crate::error::{absent_if_not_found as absent, classify, invalid};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{string, string_list};
use crate::ownership::{self, Tags};
use crate::wait::poll;

/// The ACM handler.
pub(crate) const HANDLERS: &[&dyn Handler] = &[&Certificate];

struct Certificate;

/// ACM's idempotency token: at most 32 letters and digits.
fn idempotency_token(token: &str) -> String {
    let alnum: String = token.chars().filter(char::is_ascii_alphanumeric).collect();
    alnum[alnum.len().saturating_sub(32)..].to_owned()
}

fn sdk_tags(tags: &Tags) -> Result<Vec<Tag>, ProviderError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| invalid(e.to_string()))
        })
        .collect()
}

async fn live_tags(cx: &Context, arn: &str) -> Result<Tags, ProviderError> {
    Ok(cx
        .acm
        .list_tags_for_certificate()
        .certificate_arn(arn)
        .send()
        .await
        .map_err(classify)?
        .tags()
        .iter()
        .map(|t| (t.key().to_owned(), t.value().unwrap_or_default().to_owned()))
        .collect())
}

async fn describe(cx: &Context, arn: &str) -> Result<Option<CertificateDetail>, ProviderError> {
    let out = cx
        .acm
        .describe_certificate()
        .certificate_arn(arn)
        .send()
        .await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.certificate().cloned()))
}

/// UPSERTs each domain's validation CNAME into its zone, once ACM has published it. The name
/// is unique to the domain and account, so writing it again is harmless.
async fn write_validation_records(
    cx: &Context,
    arn: &str,
    zones: &BTreeMap<String, String>,
) -> Result<(), ProviderError> {
    if zones.is_empty() {
        return Ok(());
    }
    let records = poll(
        &cx.wait,
        "AWS::CertificateManager::Certificate",
        &format!("validation records of {arn}"),
        || async {
            let detail = describe(cx, arn).await?;
            let issued = detail.as_ref().and_then(CertificateDetail::status)
                == Some(&CertificateStatus::Issued);
            let options = detail
                .as_ref()
                .map(CertificateDetail::domain_validation_options)
                .unwrap_or_default();
            // ACM fills in one domain's record after another: wait for all of them, or the
            // names without one never validate and the certificate waits an hour.
            let complete =
                !options.is_empty() && options.iter().all(|o| o.resource_record().is_some());
            let records: Vec<(String, String, String)> = options
                .iter()
                .filter_map(|o| {
                    o.resource_record().map(|r| {
                        (
                            o.domain_name().to_owned(),
                            r.name().to_owned(),
                            r.value().to_owned(),
                        )
                    })
                })
                .collect();
            // Written even when already issued (a create resumed after a crash): ACM renews
            // the certificate through these records, so they must stay.
            Ok((issued || complete).then_some(records))
        },
    )
    .await?;
    for (domain, name, value) in records {
        let Some(zone) = zones.get(&domain) else {
            continue;
        };
        let record = ResourceRecordSet::builder()
            .name(name)
            .r#type(RrType::Cname)
            .ttl(300)
            .resource_records(
                ResourceRecord::builder()
                    .value(value)
                    .build()
                    .map_err(|e| invalid(e.to_string()))?,
            )
            .build()
            .map_err(|e| invalid(e.to_string()))?;
        crate::route53::change(&cx.route53, zone, ChangeAction::Upsert, record).await?;
    }
    Ok(())
}

/// Every certificate of the account and region, by ARN (all pages).
async fn certificate_arns(cx: &Context) -> Result<Vec<String>, ProviderError> {
    let mut arns = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let out = cx
            .acm
            .list_certificates()
            .set_next_token(next.clone())
            .send()
            .await
            .map_err(classify)?;
        arns.extend(
            out.certificate_summary_list()
                .iter()
                .filter_map(|s| s.certificate_arn().map(str::to_owned)),
        );
        match out.next_token() {
            Some(token) => next = Some(token.to_owned()),
            None => return Ok(arns),
        }
    }
}

/// The validation record names of every certificate in the account but `this`.
async fn records_of_other_certificates(
    cx: &Context,
    this: &str,
) -> Result<std::collections::BTreeSet<String>, ProviderError> {
    let mut names = std::collections::BTreeSet::new();
    for arn in certificate_arns(cx)
        .await?
        .iter()
        .filter(|arn| *arn != this)
    {
        if let Some(detail) = describe(cx, arn).await? {
            names.extend(
                detail
                    .domain_validation_options()
                    .iter()
                    .filter_map(|o| o.resource_record().map(|r| r.name().to_owned())),
            );
        }
    }
    Ok(names)
}

async fn wait_issued(cx: &Context, arn: &str) -> Result<(), ProviderError> {
    poll(
        &cx.wait,
        "AWS::CertificateManager::Certificate",
        &format!("certificate {arn} to be issued"),
        || async {
            match describe(cx, arn)
                .await?
                .as_ref()
                .and_then(CertificateDetail::status)
            {
                Some(CertificateStatus::Issued) => Ok(Some(())),
                Some(
                    status @ (CertificateStatus::Failed
                    | CertificateStatus::ValidationTimedOut
                    | CertificateStatus::Revoked),
                ) => Err(ProviderError::new(
                    ErrorKind::Other,
                    format!("certificate {arn} is {status:?}"),
                )),
                _ => Ok(None),
            }
        },
    )
    .await
}

#[async_trait]
impl Handler for Certificate {
    fn contract(&self) -> &'static TypeContract {
        &contracts::acm::CERTIFICATE
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let inputs = request.inputs;
        let arn = match request.resume {
            Some(arn) => arn.to_owned(),
            None => {
                let alternative = string_list(inputs, "SubjectAlternativeNames");
                let tags = ownership::desired(inputs, "Tags", request.ownership);
                cx.acm
                    .request_certificate()
                    .domain_name(string(inputs, "DomainName")?)
                    .validation_method(ValidationMethod::Dns)
                    .idempotency_token(idempotency_token(request.token))
                    .set_subject_alternative_names((!alternative.is_empty()).then_some(alternative))
                    .set_tags((!tags.is_empty()).then(|| sdk_tags(&tags)).transpose()?)
                    .send()
                    .await
                    .map_err(classify)?
                    .certificate_arn()
                    .ok_or_else(|| invalid("no certificate ARN"))?
                    .to_owned()
            }
        };
        let zones: BTreeMap<String, String> = inputs
            .get("DomainValidationOptions")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|o| {
                Some((
                    o.get("DomainName")?.as_str()?.to_owned(),
                    o.get("HostedZoneId")?.as_str()?.to_owned(),
                ))
            })
            .collect();
        write_validation_records(cx, &arn, &zones).await?;
        wait_issued(cx, &arn).await?;
        read_back(self, cx, &arn).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let Some(detail) = describe(cx, physical_id).await? else {
            return Ok(None);
        };
        let domain = detail.domain_name().unwrap_or_default();
        let mut properties = Inputs::new();
        properties.insert("DomainName".into(), Json::from(domain));
        // AWS lists the domain itself among the alternative names; the declaration does not.
        let alternatives: Vec<&str> = detail
            .subject_alternative_names()
            .iter()
            .map(String::as_str)
            .filter(|n| *n != domain)
            .collect();
        if !alternatives.is_empty() {
            properties.insert("SubjectAlternativeNames".into(), Json::from(alternatives));
        }
        if let Some(method) = detail
            .domain_validation_options()
            .first()
            .and_then(|o| o.validation_method())
        {
            properties.insert("ValidationMethod".into(), Json::from(method.as_str()));
        }
        properties.insert(
            "Tags".into(),
            ownership::as_property(&live_tags(cx, physical_id).await?),
        );
        Ok(Some(Live {
            properties,
            attributes: [("Arn".to_owned(), Json::from(physical_id))]
                .into_iter()
                .collect(),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        let arn = request.physical_id;
        if request.changed.iter().any(|c| c == "Tags") {
            let live = live_tags(cx, arn).await?;
            let desired = ownership::desired(request.inputs, "Tags", request.ownership);
            let (add, remove) = ownership::diff(&desired, &live);
            if !add.is_empty() {
                cx.acm
                    .add_tags_to_certificate()
                    .certificate_arn(arn)
                    .set_tags(Some(sdk_tags(&add)?))
                    .send()
                    .await
                    .map_err(classify)?;
            }
            if !remove.is_empty() {
                let keys: Tags = live
                    .into_iter()
                    .filter(|(k, _)| remove.contains(k))
                    .collect();
                cx.acm
                    .remove_tags_from_certificate()
                    .certificate_arn(arn)
                    .set_tags(Some(sdk_tags(&keys)?))
                    .send()
                    .await
                    .map_err(classify)?;
            }
        }
        Ok(read_back(self, cx, arn).await?.attributes)
    }

    /// Deletes the certificate and the validation records written for it, which would
    /// otherwise keep its hosted zone from being deleted.
    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let Some(detail) = describe(cx, request.physical_id).await? else {
            return Ok(());
        };
        let zones: Vec<String> = request
            .inputs
            .get("DomainValidationOptions")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|o| o.get("HostedZoneId")?.as_str().map(str::to_owned))
            .collect();
        // A validation record is the same for every certificate of its domain in the account:
        // one another certificate still uses stays, or that one could no longer renew.
        let shared = records_of_other_certificates(cx, request.physical_id).await?;
        for option in detail.domain_validation_options() {
            let Some(record) = option.resource_record() else {
                continue;
            };
            if shared.contains(record.name()) {
                continue;
            }
            for zone in &zones {
                crate::route53::delete_record(&cx.route53, zone, record.name(), "CNAME").await?;
            }
        }
        let result = cx
            .acm
            .delete_certificate()
            .certificate_arn(request.physical_id)
            .send()
            .await
            .map_err(classify);
        absent(result).map(|_| ())
    }

    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError> {
        for arn in certificate_arns(cx).await? {
            if ownership::made_by(&live_tags(cx, &arn).await?, request.token) {
                // Finishing it writes the validation records and waits for it.
                return Ok(Some(Created {
                    attributes: [("Arn".to_owned(), Json::from(arn.as_str()))]
                        .into_iter()
                        .collect(),
                    physical_id: arn,
                }));
            }
        }
        Ok(None)
    }
}
