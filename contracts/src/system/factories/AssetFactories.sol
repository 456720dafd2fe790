// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {AssetFactory} from "./AssetFactory.sol";
import {KeelToken} from "../../token/KeelToken.sol";

/// @title Bond factory. Terms: abi.encode(uint256 faceValue, uint64 maturity, address denominationAsset).
/// @notice Terms are recorded as token metadata ("faceValue", "maturity",
/// "denominationAsset"); redemption against the denomination asset is a token feature.
contract BondFactory is AssetFactory {
    error InvalidBondTerms();

    function kind() public pure override returns (bytes32) {
        return "bond";
    }

    function _validateTerms(bytes calldata terms) internal view override {
        (uint256 faceValue, uint64 maturity, address denomination) = abi.decode(terms, (uint256, uint64, address));
        if (faceValue == 0 || maturity <= block.timestamp || denomination == address(0)) revert InvalidBondTerms();
    }

    function _configure(KeelToken token, bytes calldata terms) internal override {
        (uint256 faceValue, uint64 maturity, address denomination) = abi.decode(terms, (uint256, uint64, address));
        token.setMetadataValue("faceValue", Strings.toString(faceValue));
        token.setMetadataValue("maturity", Strings.toString(maturity));
        token.setMetadataValue("denominationAsset", Strings.toHexString(denomination));
    }
}

/// @title Equity factory. Terms: abi.encode(string shareClass, string category).
contract EquityFactory is AssetFactory {
    error InvalidEquityTerms();

    function kind() public pure override returns (bytes32) {
        return "equity";
    }

    function _validateTerms(bytes calldata terms) internal pure override {
        (string memory shareClass,) = abi.decode(terms, (string, string));
        if (bytes(shareClass).length == 0) revert InvalidEquityTerms();
    }

    function _configure(KeelToken token, bytes calldata terms) internal override {
        (string memory shareClass, string memory category) = abi.decode(terms, (string, string));
        token.setMetadataValue("shareClass", shareClass);
        token.setMetadataValue("category", category);
    }
}

/// @title Fund factory. Terms: abi.encode(uint16 managementFeeBps, string fundClass).
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

    function _configure(KeelToken token, bytes calldata terms) internal override {
        (uint16 feeBps, string memory fundClass) = abi.decode(terms, (uint16, string));
        token.setMetadataValue("managementFeeBps", Strings.toString(feeBps));
        token.setMetadataValue("fundClass", fundClass);
    }
}

/// @title Stablecoin factory. Terms: abi.encode(string pegCurrency, uint256 collateralClaimTopic).
/// @notice The collateral claim topic is where the token's collateral feature looks for
/// the claim on the asset's own identity that must cover the supply.
contract StablecoinFactory is AssetFactory {
    error InvalidStablecoinTerms();

    function kind() public pure override returns (bytes32) {
        return "stablecoin";
    }

    function _validateTerms(bytes calldata terms) internal pure override {
        (string memory peg, uint256 topic) = abi.decode(terms, (string, uint256));
        if (bytes(peg).length == 0 || topic == 0) revert InvalidStablecoinTerms();
    }

    function _configure(KeelToken token, bytes calldata terms) internal override {
        (string memory peg, uint256 topic) = abi.decode(terms, (string, uint256));
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

    function _configure(KeelToken token, bytes calldata terms) internal override {
        (string memory currency, string memory institution) = abi.decode(terms, (string, string));
        token.setMetadataValue("currency", currency);
        token.setMetadataValue("institution", institution);
    }
}
