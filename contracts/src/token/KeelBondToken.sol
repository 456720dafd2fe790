// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {KeelToken} from "./KeelToken.sol";
import {KeelRoles} from "./KeelRoles.sol";

/// @title KeelBondToken — the bond kind's token: face value, maturity and redemption
/// against a funded denomination asset.
/// @notice `faceValue` is the amount of the denomination asset (in its smallest units)
/// paid per whole bond token (10**decimals units). The issuer funds redemption by
/// transferring the denomination asset to this token's address. From `maturity` on, a
/// holder `redeem`s: the bond tokens are burnt (compliance `destroyed` hooks run) and
/// amount × faceValue / 10**decimals of the denomination asset is paid to the holder.
/// Redemption is refused before maturity, while paused, from a wallet that is not
/// verified (e.g. marked lost), from a frozen wallet or beyond the unfrozen balance, and
/// when this contract holds less than the payout. Terms are
/// set once (by the bond factory at creation).
contract KeelBondToken is KeelToken {
    using SafeERC20 for IERC20;

    /// @custom:storage-location erc7201:keel.storage.BondToken
    struct BondStorage {
        uint256 faceValue;
        uint64 maturity;
        address denominationAsset;
    }

    // keccak256(abi.encode(uint256(keccak256("keel.storage.BondToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant BOND_SLOT = 0xa24d134e7776d0b5c1f5e74edf35ded4660a2a593d6f5c39c3c847706c575500;

    error BondTermsAlreadySet();
    error InvalidBondTerms();
    error BondNotMatured(uint64 maturity);
    error InsufficientRedemptionFunds(uint256 available, uint256 required);

    event BondTermsSet(uint256 faceValue, uint64 maturity, address indexed denominationAsset);
    event Redeemed(address indexed holder, uint256 amount, uint256 payout);

    constructor(bool asImplementation) KeelToken(asImplementation) {}

    function _bond() private pure returns (BondStorage storage $) {
        bytes32 slot = BOND_SLOT;
        assembly {
            $.slot := slot
        }
    }

    function setBondTerms(uint256 faceValue, uint64 maturity, address denominationAsset)
        external
        onlyRole(KeelRoles.GOVERNANCE_ROLE)
    {
        BondStorage storage $ = _bond();
        if ($.maturity != 0) revert BondTermsAlreadySet();
        if (faceValue == 0 || maturity <= block.timestamp || denominationAsset == address(0)) {
            revert InvalidBondTerms();
        }
        $.faceValue = faceValue;
        $.maturity = maturity;
        $.denominationAsset = denominationAsset;
        emit BondTermsSet(faceValue, maturity, denominationAsset);
    }

    function bondTerms() external view returns (uint256 faceValue, uint64 maturity, address denominationAsset) {
        BondStorage storage $ = _bond();
        return ($.faceValue, $.maturity, $.denominationAsset);
    }

    function isMatured() public view returns (bool) {
        uint64 m = _bond().maturity;
        return m != 0 && block.timestamp >= m;
    }

    /// @notice Denomination asset paid for `amount` bond token units.
    function redemptionValue(uint256 amount) public view returns (uint256) {
        return amount * _bond().faceValue / 10 ** decimals();
    }

    /// @notice What this contract holds of the denomination asset, and what redeeming the
    /// whole supply would pay.
    function redemptionFunding() external view returns (uint256 available, uint256 required) {
        address denomination = _bond().denominationAsset;
        if (denomination != address(0)) available = IERC20(denomination).balanceOf(address(this));
        required = redemptionValue(totalSupply());
    }

    /// @notice After maturity: burns `amount` of the caller's bond tokens and pays their
    /// face value in the denomination asset.
    function redeem(uint256 amount) external returns (uint256 payout) {
        BondStorage storage $ = _bond();
        if (!isMatured()) revert BondNotMatured($.maturity);
        if (paused()) revert TokenPaused();
        // The payout goes to the caller: a lost (or unregistered) wallet is refused.
        if (!identityRegistry().isVerified(msg.sender)) revert RecipientNotVerified(msg.sender);
        _requireMovable(msg.sender, amount);
        payout = redemptionValue(amount);
        IERC20 denomination = IERC20($.denominationAsset);
        uint256 available = denomination.balanceOf(address(this));
        if (available < payout) revert InsufficientRedemptionFunds(available, payout);
        _destroy(msg.sender, amount);
        denomination.safeTransfer(msg.sender, payout);
        emit Redeemed(msg.sender, amount, payout);
    }
}
