// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {AssetFactory} from "./AssetFactory.sol";
import {KeelToken} from "../../token/KeelToken.sol";
import {KeelBondToken} from "../../token/KeelBondToken.sol";
import {KeelFundToken} from "../../token/KeelFundToken.sol";
import {KeelStablecoinToken} from "../../token/KeelStablecoinToken.sol";

/// @dev KeelToken.FEATURE_HISTORICAL_BALANCES: yield, dividends and fund distributions
/// are computed from past balances, so these kinds always record them.
uint256 constant HISTORY = 1;

/// @title Bond factory. Terms: abi.encode(uint256 faceValue, uint64 maturity, address denominationAsset).
/// @notice Token implementation: KeelBondToken. The terms are set on the token
/// (`setBondTerms`: redemption against the denomination asset after maturity) and also
/// recorded as metadata ("faceValue", "maturity", "denominationAsset"). Historical
/// balances are always on.
contract BondFactory is AssetFactory {
    error InvalidBondTerms();

    function kind() public pure override returns (bytes32) {
        return "bond";
    }

    function _validateTerms(bytes calldata terms) internal view override {
        (uint256 faceValue, uint64 maturity, address denomination) = abi.decode(terms, (uint256, uint64, address));
        if (faceValue == 0 || maturity <= block.timestamp || denomination == address(0)) revert InvalidBondTerms();
    }

    function _forcedFeatures() internal pure override returns (uint256) {
        return HISTORY;
    }

    function _configure(KeelToken token, bytes calldata terms, address) internal override {
        (uint256 faceValue, uint64 maturity, address denomination) = abi.decode(terms, (uint256, uint64, address));
        KeelBondToken(address(token)).setBondTerms(faceValue, maturity, denomination);
        token.setMetadataValue("faceValue", Strings.toString(faceValue));
        token.setMetadataValue("maturity", Strings.toString(maturity));
        token.setMetadataValue("denominationAsset", Strings.toHexString(denomination));
    }
}

/// @title Equity factory. Terms: abi.encode(string shareClass, string category).
/// @notice Token implementation: KeelEquityToken (optional ERC-5805 voting). Historical
/// balances are always on.
contract EquityFactory is AssetFactory {
    error InvalidEquityTerms();

    function kind() public pure override returns (bytes32) {
        return "equity";
    }

    function _validateTerms(bytes calldata terms) internal pure override {
        (string memory shareClass,) = abi.decode(terms, (string, string));
        if (bytes(shareClass).length == 0) revert InvalidEquityTerms();
    }

    function _forcedFeatures() internal pure override returns (uint256) {
        return HISTORY;
    }

    function _configure(KeelToken token, bytes calldata terms, address) internal override {
        (string memory shareClass, string memory category) = abi.decode(terms, (string, string));
        token.setMetadataValue("shareClass", shareClass);
        token.setMetadataValue("category", category);
    }
}

/// @title Fund factory. Terms: abi.encode(uint16 managementFeeBps, string fundClass).
/// @notice Token implementation: KeelFundToken (optional ERC-5805 voting, management fee).
/// The fee accrues from creation to the asset admin (`setManagementFee` changes rate and
/// recipient). Historical balances are always on.
contract FundFactory is AssetFactory {
    uint16 public constant MAX_MANAGEMENT_FEE_BPS = 1_000;

    error InvalidFundTerms();

    function kind() public pure override returns (bytes32) {
        return "fund";
    }

    function _validateTerms(bytes calldata terms) internal pure override {
        (uint16 feeBps,) = abi.decode(terms, (uint16, string));
        if (feeBps > MAX_MANAGEMENT_FEE_BPS) revert InvalidFundTerms();
    }

    function _forcedFeatures() internal pure override returns (uint256) {
        return HISTORY;
    }

    function _configure(KeelToken token, bytes calldata terms, address admin) internal override {
        (uint16 feeBps, string memory fundClass) = abi.decode(terms, (uint16, string));
        KeelFundToken(address(token)).setManagementFee(feeBps, admin);
        token.setMetadataValue("managementFeeBps", Strings.toString(feeBps));
        token.setMetadataValue("fundClass", fundClass);
    }
}

/// @title Stablecoin factory. Terms: abi.encode(string pegCurrency, uint256 collateralClaimTopic).
/// @notice Token implementation: KeelStablecoinToken. The collateral claim topic is where
/// the token looks for the claim on the asset's own identity that must cover the supply
/// (`setCollateralTopic`; also recorded as metadata).
contract StablecoinFactory is AssetFactory {
    error InvalidStablecoinTerms();

    function kind() public pure override returns (bytes32) {
        return "stablecoin";
    }

    function _validateTerms(bytes calldata terms) internal pure override {
        (string memory peg, uint256 topic) = abi.decode(terms, (string, uint256));
        if (bytes(peg).length == 0 || topic == 0) revert InvalidStablecoinTerms();
    }

    function _configure(KeelToken token, bytes calldata terms, address) internal override {
        (string memory peg, uint256 topic) = abi.decode(terms, (string, uint256));
        KeelStablecoinToken(address(token)).setCollateralTopic(topic);
        token.setMetadataValue("pegCurrency", peg);
        token.setMetadataValue("collateralClaimTopic", Strings.toString(topic));
    }
}

/// @title Deposit (tokenized deposit) factory. Terms: abi.encode(string currency, string institution).
contract DepositFactory is AssetFactory {
    error InvalidDepositTerms();

    function kind() public pure override returns (bytes32) {
        return "deposit";
    }

    function _validateTerms(bytes calldata terms) internal pure override {
        (string memory currency,) = abi.decode(terms, (string, string));
        if (bytes(currency).length == 0) revert InvalidDepositTerms();
    }

    function _configure(KeelToken token, bytes calldata terms, address) internal override {
        (string memory currency, string memory institution) = abi.decode(terms, (string, string));
        token.setMetadataValue("currency", currency);
        token.setMetadataValue("institution", institution);
    }
}
