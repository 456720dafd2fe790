export {
  type DfnsCredential,
  type DfnsCredentialKind,
  type DfnsStandIn,
  type DfnsStandInOptions,
  type DfnsUser,
  newDfnsCredential,
  startDfnsStandIn,
} from './dfns-stand-in';
export {
  type Misbehaviour,
  type StandInPolicy,
  type TamperField,
  tamperableFields,
} from './stand-in-common';
