// The consent status a certificate states for a data authorization, computed with the
// service's own rule (src/consent.ts) from what the bundle proves: the authorization's
// terms, its ledger time, and the ledger time of a revocation that refers to it.
import { authorizationStatus, type ConsentStatus } from '../../chain/consent.ts'
import { beijingTime } from './format.ts'
import { CONSENT_STATUS_NAMES } from './labels.ts'

export interface ConsentSection {
  /** 'undetermined' when the terms are not in the bundle (erased or hash-only) and nothing revoked it. */
  status: ConsentStatus | 'undetermined'
  /** 有效 / 已过期 / 已撤回 / 尚未生效 / 无法判定. */
  statusName: string
  /** The moment the status is stated for (the certificate's issue time), 北京时间. */
  at: string
  /** Why this status, in plain words with the times that decided it. */
  reason: string
  /** The rule, as docs/consent.md states it. */
  rule: string
  /** Ledger time of the revocation, 北京时间; null when not revoked. */
  revokedAt: string | null
  revokedAtIso: string | null
  validFrom: string | null
  validUntil: string | null
}

export const CONSENT_RULE =
  '授权自“生效时间”与授权上链时间中较晚者起生效（含），至“失效时间”止（不含）；' +
  '撤回自撤回记录的上链时间起生效（含）；已过失效时间的授权为已过期，不论是否撤回。'

interface RelatedStatement { kind: string; time: string }
interface Terms { validFrom: string; validUntil: string; dataCategories: string[]; purpose: string }

export function consentSection(input: {
  authorizedAt: string
  terms: Terms | null
  related: readonly RelatedStatement[]
  at: string
}): ConsentSection {
  // The earliest revocation counts: a second one changes nothing (the ledger refuses it anyway).
  const revocations = input.related.filter((s) => s.kind === 'authorization-revocation').map((s) => s.time)
  const revokedAtIso = revocations.length === 0 ? null : revocations.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b))
  const revokedAt = revokedAtIso === null ? null : beijingTime(revokedAtIso)
  const base = {
    at: beijingTime(input.at), rule: CONSENT_RULE, revokedAt, revokedAtIso,
    validFrom: input.terms ? beijingTime(input.terms.validFrom) : null,
    validUntil: input.terms ? beijingTime(input.terms.validUntil) : null,
  }
  if (input.terms === null) {
    // Without the terms only a revocation can be stated; validity dates cannot.
    if (revokedAtIso !== null && Date.parse(input.at) >= Date.parse(revokedAtIso)) {
      return { ...base, status: 'revoked', statusName: CONSENT_STATUS_NAMES.revoked, reason: `已于 ${revokedAt} 撤回（撤回记录的上链时间）；授权内容不在证据包中，有效期无法核对` }
    }
    return { ...base, status: 'undetermined', statusName: '无法判定', reason: '授权内容不在证据包中（已删除或仅存哈希），无法判定有效期' }
  }
  const answer = authorizationStatus({ terms: input.terms, authorizedAt: input.authorizedAt, revokedAt: revokedAtIso }, { at: input.at })
  return { ...base, status: answer.status, statusName: CONSENT_STATUS_NAMES[answer.status], reason: reasonInChinese(answer.status, input, base) }
}

function reasonInChinese(
  status: ConsentStatus,
  input: { authorizedAt: string; terms: Terms | null },
  base: { at: string; revokedAt: string | null; validFrom: string | null; validUntil: string | null },
): string {
  switch (status) {
    case 'revoked': return `已于 ${base.revokedAt} 撤回（撤回记录的上链时间），自该时刻起不再有效`
    case 'expired': return `失效时间 ${base.validUntil} 已过`
    case 'not-yet-valid': {
      const start = Math.max(Date.parse(input.terms!.validFrom), Date.parse(input.authorizedAt))
      return `自 ${beijingTime(new Date(start).toISOString())} 起生效，判定时点 ${base.at} 尚未生效`
    }
    case 'active': return `生效时间 ${base.validFrom} 至 ${base.validUntil}，截至 ${base.at} 未撤回`
    case 'not-covered': return '所询问的数据类别或用途不在授权范围内'
  }
}
