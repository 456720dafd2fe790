// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentity} from "../interfaces/onchainid/IIdentity.sol";
import {IClaimIssuer} from "../interfaces/onchainid/IClaimIssuer.sol";
import {KeelToken} from "./KeelToken.sol";
import {KeelRoles} from "./KeelRoles.sol";

/// @title KeelStablecoinToken — the stablecoin kind's token: collateral-backed mint.
/// @notice A mint is refused unless the collateral attested on the asset's own identity
/// (`onchainID`) covers the supply after the mint. The attestation is a claim with the
/// asset's collateral topic (set from the stablecoin terms) by an issuer the asset's
/// trusted issuers registry trusts for that topic (asset → system → global tiers), stored
/// under claim id keccak256(issuer, topic), valid according to its issuer (signature,
/// chain, revocation, Keel claim expiry), whose data is
/// `abi.encode(uint256 amount, uint64 expiresAt)` with expiresAt in the future. With
/// several such claims the largest amount counts. Burns and transfers need no collateral.
contract KeelStablecoinToken is KeelToken {
    /// @custom:storage-location erc7201:keel.storage.StablecoinToken
    struct StablecoinStorage {
        uint256 collateralTopic;
    }

    // keccak256(abi.encode(uint256(keccak256("keel.storage.StablecoinToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STABLECOIN_SLOT = 0x3f6958f54916dec33b97884c1a1553229c7ccbb31d72357e76b66674ac147a00;

    error InvalidCollateralTopic();
    error InsufficientCollateral(uint256 supplyAfter, uint256 collateral);

    event CollateralTopicSet(uint256 topic);

    constructor(bool asImplementation) KeelToken(asImplementation) {}

    function _stablecoin() private pure returns (StablecoinStorage storage $) {
        bytes32 slot = STABLECOIN_SLOT;
        assembly {
            $.slot := slot
        }
    }

    function setCollateralTopic(uint256 topic) external onlyRole(KeelRoles.GOVERNANCE_ROLE) {
        if (topic == 0) revert InvalidCollateralTopic();
        _stablecoin().collateralTopic = topic;
        emit CollateralTopicSet(topic);
    }

    function collateralTopic() external view returns (uint256) {
        return _stablecoin().collateralTopic;
    }

    /// @notice The largest currently valid collateral attestation (0 when there is none).
    function collateral() public view returns (uint256 amount, uint64 expiresAt) {
        uint256 topic = _stablecoin().collateralTopic;
        address id = onchainID();
        if (topic == 0 || id == address(0)) return (0, 0);
        IClaimIssuer[] memory issuers = identityRegistry().issuersRegistry().getTrustedIssuersForClaimTopic(topic);
        for (uint256 i = 0; i < issuers.length; ++i) {
            (uint256 a, uint64 e) = _attested(IIdentity(id), issuers[i], topic);
            if (a > amount) (amount, expiresAt) = (a, e);
        }
    }

    function _attested(IIdentity id, IClaimIssuer issuer, uint256 topic) private view returns (uint256, uint64) {
        try id.getClaim(keccak256(abi.encode(address(issuer), topic))) returns (
            uint256 claimTopic, uint256, address claimIssuer, bytes memory sig, bytes memory data, string memory
        ) {
            if (claimTopic != topic || claimIssuer != address(issuer) || data.length != 64) return (0, 0);
            (uint256 amount, uint256 expiresAt) = abi.decode(data, (uint256, uint256));
            if (expiresAt <= block.timestamp) return (0, 0);
            try issuer.isClaimValid(id, topic, sig, data) returns (bool valid) {
                if (valid) return (amount, expiresAt > type(uint64).max ? type(uint64).max : uint64(expiresAt));
            } catch {}
        } catch {}
        return (0, 0);
    }

    function _checkMint(uint256 supplyAfter) internal view override {
        super._checkMint(supplyAfter);
        (uint256 covered,) = collateral();
        if (supplyAfter > covered) revert InsufficientCollateral(supplyAfter, covered);
    }
}
