// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentity} from "../onchainid/IIdentity.sol";

/// @title ERC-3643 identity registry storage: wallet -> identity and country, shareable
/// between several identity registries.
interface IIdentityRegistryStorage {
    event IdentityStored(address indexed investorAddress, IIdentity indexed identity);
    event IdentityUnstored(address indexed investorAddress, IIdentity indexed identity);
    event IdentityModified(IIdentity indexed oldIdentity, IIdentity indexed newIdentity);
    event CountryModified(address indexed investorAddress, uint16 indexed country);
    event IdentityRegistryBound(address indexed identityRegistry);
    event IdentityRegistryUnbound(address indexed identityRegistry);

    function addIdentityToStorage(address userAddress, IIdentity identity, uint16 country) external;
    function removeIdentityFromStorage(address userAddress) external;
    function modifyStoredInvestorCountry(address userAddress, uint16 country) external;
    function modifyStoredIdentity(address userAddress, IIdentity identity) external;
    function bindIdentityRegistry(address identityRegistry) external;
    function unbindIdentityRegistry(address identityRegistry) external;
    function linkedIdentityRegistries() external view returns (address[] memory);
    function storedIdentity(address userAddress) external view returns (IIdentity);
    function storedInvestorCountry(address userAddress) external view returns (uint16);
}
